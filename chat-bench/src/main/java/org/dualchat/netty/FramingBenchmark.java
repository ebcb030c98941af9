package org.dualchat.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.util.ReferenceCountUtil;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.codec.LineFramer;
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
 * TCP framing: one 64 KB read of whole lines through the server's "framer" (LineFramer) and "decoder"
 * (UTF-8 StringDecoder) stages. Scores are per line.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FramingBenchmark {

    /** 64-byte lines and their newlines: 1,008 of them fill one 64 KB read. */
    private static final int LINE_LENGTH = 64;
    private static final int LINES = 1008;

    private EmbeddedChannel framerOnly;
    private EmbeddedChannel framerAndDecoder;
    private ByteBuf read;

    @Setup(Level.Trial)
    public void setUp() {
        read = Unpooled.directBuffer(LINES * (LINE_LENGTH + 1));
        for (int i = 0; i < LINES; i++) {
            read.writeBytes("x".repeat(LINE_LENGTH).getBytes(StandardCharsets.US_ASCII)).writeByte('\n');
        }
        // No quiet timeout: the benchmark measures framing, not the scheduler.
        framerOnly = new EmbeddedChannel(new LineFramer(8192, 0));
        framerAndDecoder = new EmbeddedChannel(new LineFramer(8192, 0), new StringDecoder(StandardCharsets.UTF_8));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        framerOnly.finishAndReleaseAll();
        framerAndDecoder.finishAndReleaseAll();
        read.release();
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void frame(Blackhole bh) {
        drain(framerOnly, bh);
    }

    @Benchmark
    @OperationsPerInvocation(LINES)
    public void frameAndDecodeUtf8(Blackhole bh) {
        drain(framerAndDecoder, bh);
    }

    private void drain(EmbeddedChannel channel, Blackhole bh) {
        channel.writeInbound(read.retainedDuplicate());
        Object line;
        while ((line = channel.readInbound()) != null) {
            bh.consume(line);
            ReferenceCountUtil.release(line);
        }
    }
}
