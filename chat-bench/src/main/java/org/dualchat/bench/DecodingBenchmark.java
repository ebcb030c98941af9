package org.dualchat.bench;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.codec.DatagramLineDecoder;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.stats.ServerStats;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * UDP decoding: one datagram through the server's DatagramLineDecoder (counting in ServerStats, as the
 * server's pipeline has it: UTF-8 decode, sender address to text, one ChatMessage per line), and the UTF-8
 * decode on its own, for ASCII and for multi-byte text.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class DecodingBenchmark {

    @Param({"ascii64", "ascii512", "multibyte64"})
    public String payload;

    private final InetSocketAddress sender = new InetSocketAddress("127.0.0.1", 40312);
    private final InetSocketAddress recipient = new InetSocketAddress("127.0.0.1", 1234);
    private EmbeddedChannel decoder;
    private ByteBuf content;

    @Setup(Level.Trial)
    public void setUp() {
        String text = switch (payload) {
            case "ascii64" -> "a".repeat(64);
            case "ascii512" -> "a".repeat(512);
            default -> "héllo wörld 世界 ".repeat(3);
        };
        content = Unpooled.directBuffer().writeBytes((text + "\n").getBytes(StandardCharsets.UTF_8));
        decoder = new EmbeddedChannel(new DatagramLineDecoder(new ServerStats()));
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        decoder.finishAndReleaseAll();
        content.release();
    }

    @Benchmark
    public Object datagramToMessage() {
        decoder.writeInbound(new DatagramPacket(content.retainedDuplicate(), recipient, sender));
        return decoder.readInbound();
    }

    @Benchmark
    public String utf8Only() {
        return content.toString(StandardCharsets.UTF_8);
    }

    @Benchmark
    public String senderAddressToText() {
        return Addresses.printable(sender);
    }
}
