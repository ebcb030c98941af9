package org.dualchat.netty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.dualchat.netty.testing.Inbound.drain;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.dualchat.netty.codec.DatagramLineDecoder;
import org.dualchat.netty.codec.LineFramer;
import org.dualchat.netty.codec.Utf8Check;
import org.dualchat.netty.codec.Utf8LineDecoder;
import org.dualchat.netty.limit.DropCounter;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.stats.TcpTrafficCounter;
import org.dualchat.netty.stats.UdpTrafficCounter;
import org.dualchat.netty.testing.ControlledSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The handlers that count traffic into {@link ServerStats}, in the order the pipelines use them. */
@Timeout(10)
class PipelineCountingTest {

    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 1234);
    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.1", 40000);

    private final ServerStats stats = new ServerStats();

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, UTF_8);
    }

    private static ByteBuf bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return Unpooled.wrappedBuffer(b);
    }

    @Test
    void udpCountsDatagramsBytesLinesAndInvalidUtf8() {
        EmbeddedChannel ch = new EmbeddedChannel(new UdpTrafficCounter(stats), new DatagramLineDecoder(stats));
        ch.writeInbound(new DatagramPacket(bytes("one\ntwo\n\n"), SERVER, SENDER));
        ch.writeInbound(new DatagramPacket(bytes('b', 0xff, 'd'), SERVER, SENDER));
        ch.writeInbound(new DatagramPacket(bytes(""), SERVER, SENDER));
        List<ChatMessage> messages = drain(ch);

        assertThat(messages).extracting(ChatMessage::text).containsExactly("one", "two", "b\uFFFDd");
        assertThat(stats.datagrams()).isEqualTo(3);
        assertThat(stats.udpBytes()).isEqualTo(9 + 3);
        assertThat(stats.udpLines()).as("blank lines are no messages").isEqualTo(3);
        assertThat(stats.decodeErrors()).isEqualTo(1);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theClientsDecoderCountsNothing() {
        EmbeddedChannel ch = new EmbeddedChannel(DatagramLineDecoder.INSTANCE);
        ch.writeInbound(new DatagramPacket(bytes("x"), SERVER, SENDER));
        assertThat(drain(ch)).hasSize(1);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void tcpCountsTheConnectionBytesLinesSplitsAndInvalidUtf8() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcpTrafficCounter(stats),
                new LineFramer(8, 0, stats::lineSplit, Utf8LineDecoder.frameReader(stats)));
        assertThat(stats.connectionsCurrent()).isEqualTo(1);
        assertThat(stats.connectionsTotal()).isEqualTo(1);

        ch.writeInbound(bytes("hello\n\nabcdefghijklmnopq\n"));
        ch.writeInbound(bytes('x', 0xc3, '\n'));
        List<String> lines = drain(ch);

        assertThat(lines).containsExactly("hello", "", "abcdefgh", "ijklmnop", "q", "x\uFFFD");
        assertThat(stats.tcpBytes()).isEqualTo(25 + 3);
        assertThat(stats.tcpLines()).as("pieces count as lines; the blank line does not").isEqualTo(5);
        assertThat(stats.linesSplit()).as("one line cut in three pieces").isEqualTo(1);
        assertThat(stats.decodeErrors()).isEqualTo(1);

        ch.close();
        assertThat(stats.connectionsCurrent()).isZero();
        assertThat(stats.connectionsTotal()).isEqualTo(1);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aReplacementCharacterSentAsSuchIsNoDecodeError() {
        assertThat(invalid("plain ascii")).isFalse();
        assertThat(invalid("é and € and 😀")).isFalse();
        assertThat(invalid("a real \uFFFD, sent on purpose \uFFFD")).isFalse();
        assertThat(invalid(0x61, 0xff)).isTrue();
        assertThat(invalid(0xed, 0xa0, 0x80)).as("a lone surrogate").isTrue();
        assertThat(invalid(0xe2, 0x82)).as("a truncated character").isTrue();
        // One valid U+FFFD and one invalid byte: the counts differ.
        assertThat(invalid(0xef, 0xbf, 0xbd, 0x20, 0xfe)).isTrue();
        assertThat(invalid(0xe0, 0xef, 0xbf, 0xbd)).isTrue();
    }

    @Test
    void queueFullDropsAreCountedWithTheirReason() {
        DropCounter dropped = new DropCounter("test messages", stats, ServerStats.Drop.QUEUE_FULL);
        EmbeddedChannel ch = new EmbeddedChannel(new UdpMessageHandler(new ControlledSink(1), dropped));
        for (int i = 0; i < 4; i++) {
            ch.writeInbound(new ChatMessage(Protocol.UDP, "127.0.0.1", 1, "m" + i));
        }
        assertThat(stats.dropped(ServerStats.Drop.QUEUE_FULL)).isEqualTo(3);
        assertThat(dropped.total()).isEqualTo(3);
        assertThat(stats.dropped(ServerStats.Drop.RATE_LIMIT)).isZero();
        assertThat(ch.finish()).isFalse();
    }

    private static boolean invalid(String text) {
        ByteBuf buf = bytes(text);
        try {
            return Utf8Check.hadInvalidInput(buf, buf.toString(UTF_8));
        } finally {
            buf.release();
        }
    }

    private static boolean invalid(int... values) {
        ByteBuf buf = bytes(values);
        return Utf8Check.hadInvalidInput(buf, buf.toString(UTF_8));
    }

    @Test
    void bothPipelinesCountFirstBeforeTheAccessListAndTheLimits() throws Exception {
        ChatServerConfig config = ChatServerConfig.builder().rate(10).allow("192.0.2.0/24").build();
        org.dualchat.netty.limit.Limits limits = new org.dualchat.netty.limit.Limits(config.limitOptions(), stats);
        io.netty.channel.socket.nio.NioDatagramChannel udp = new io.netty.channel.socket.nio.NioDatagramChannel();
        io.netty.channel.socket.nio.NioSocketChannel tcp = new io.netty.channel.socket.nio.NioSocketChannel();
        try {
            new UdpChannelInitializer(ControlledSink.unbounded(), new DropCounter("test"), stats, limits, null)
                    .initChannel(udp);
            new TcpChannelInitializer(config.framingOptions(), ControlledSink.unbounded(),
                    new io.netty.channel.group.DefaultChannelGroup(
                            io.netty.util.concurrent.GlobalEventExecutor.INSTANCE),
                    new org.dualchat.netty.common.HeldMessages(), stats, limits,
                    new org.dualchat.netty.tls.TlsStage(null, new org.dualchat.netty.tls.HandshakeFailures(stats)),
                    false, null).initChannel(tcp);
            assertThat(udp.pipeline().names()).startsWith("counter", "acl", "rate");
            assertThat(tcp.pipeline().names()).startsWith("counter", "acl", "limits");
        } finally {
            udp.unsafe().closeForcibly();
            tcp.unsafe().closeForcibly();
        }
    }
}
