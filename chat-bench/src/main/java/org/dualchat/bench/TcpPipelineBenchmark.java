package org.dualchat.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ReferenceCountUtil;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.TcpMessageHandler;
import org.dualchat.netty.codec.LineFramer;
import org.dualchat.netty.codec.Utf8LineDecoder;
import org.dualchat.netty.common.HeldMessages;
import org.dualchat.netty.stats.ServerStats;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The server's TCP stages on one 64 KB read of 64-byte lines: our "framer" (LineFramer) cutting slices alone;
 * the framer as the server runs it, decoding each line to text itself (Utf8LineDecoder.frameReader, counting
 * in ServerStats); and with the "handler" too (TcpMessageHandler, receive-only, handing the read's lines to a
 * sink that takes and drops them, as one batch). Scores are per line.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TcpPipelineBenchmark {

    /** 64-byte lines and their newlines: 1,008 of them fill one 64 KB read. */
    private static final int LINE_LENGTH = 64;
    private static final int LINES = 1008;

    private EmbeddedChannel framer;
    private EmbeddedChannel framerAndDecoder;
    private EmbeddedChannel wholePipeline;
    private ByteBuf read;
    private final DroppingSink sink = new DroppingSink();

    @Setup(Level.Trial)
    public void setUp() {
        read = Unpooled.directBuffer(LINES * (LINE_LENGTH + 1));
        for (int i = 0; i < LINES; i++) {
            read.writeBytes("x".repeat(LINE_LENGTH).getBytes(StandardCharsets.US_ASCII)).writeByte('\n');
        }
        // No quiet timeout: the benchmark measures framing, not the scheduler.
        framer = new EmbeddedChannel(new LineFramer(8192, 0));
        framerAndDecoder = new EmbeddedChannel(framerDecoding());
        wholePipeline = new EmbeddedChannel(framerDecoding(),
                new TcpMessageHandler(sink, new byte[0], new HeldMessages(), null)) {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress("127.0.0.1", 40000);
            }
        };
    }

    /** The framer as TcpChannelInitializer builds it: each line decoded to text as it is cut. */
    private static LineFramer framerDecoding() {
        return new LineFramer(8192, 0, () -> { }, Utf8LineDecoder.frameReader(new ServerStats()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        framer.finishAndReleaseAll();
        framerAndDecoder.finishAndReleaseAll();
        wholePipeline.finishAndReleaseAll();
        read.release();
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void frame(Blackhole bh) {
        drain(framer, bh);
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void frameAndDecode(Blackhole bh) {
        drain(framerAndDecoder, bh);
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public long frameDecodeAndHandOver() {
        wholePipeline.writeInbound(read.retainedDuplicate());
        return sink.taken;
    }

    private void drain(EmbeddedChannel channel, Blackhole bh) {
        channel.writeInbound(read.retainedDuplicate());
        Object line;
        while ((line = channel.readInbound()) != null) {
            bh.consume(line);
            ReferenceCountUtil.release(line);
        }
    }

    /** Takes everything and keeps nothing. */
    static final class DroppingSink implements MessageSink {
        long taken;

        @Override
        public boolean offer(ChatMessage message) {
            taken++;
            return true;
        }

        @Override
        public int offerAll(List<ChatMessage> messages) {
            taken += messages.size();
            return messages.size();
        }

        @Override
        public void whenReady(Runnable task) {
            task.run();
        }

        @Override
        public void close() {
        }
    }
}
