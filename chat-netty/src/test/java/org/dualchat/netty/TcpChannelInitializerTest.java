package org.dualchat.netty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.netty.common.HeldMessages;
import org.dualchat.netty.limit.Limits;
import org.dualchat.netty.room.LocalRoom;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.testing.ControlledSink;
import org.dualchat.netty.tls.HandshakeFailures;
import org.dualchat.netty.tls.TlsStage;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The TCP pipeline as built: what a client that only listens costs, and what its first bytes add. */
@Timeout(10)
class TcpChannelInitializerTest {

    private final ServerStats stats = new ServerStats();
    private final ControlledSink sink = ControlledSink.unbounded();

    private EmbeddedChannel client(ChatServerConfig config, LocalRoom room) {
        Limits limits = new Limits(config.limitOptions(), stats);
        return new EmbeddedChannel(new TcpChannelInitializer(config.framingOptions(), sink,
                new DefaultChannelGroup(GlobalEventExecutor.INSTANCE), new HeldMessages(), stats, limits,
                new TlsStage(null, new HandshakeFailures(stats)), false, room));
    }

    private static String written(EmbeddedChannel ch) {
        StringBuilder text = new StringBuilder();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            text.append(buf.toString(UTF_8));
            buf.release();
        }
        return text.toString();
    }

    @Test
    void aClientThatOnlyListensIsGreetedAndJoinsWithoutTheStagesForItsBytes() {
        LocalRoom room = new LocalRoom(stats, 1 << 20, null);
        EmbeddedChannel ch = client(ChatServerConfig.builder().build(), room);

        assertThat(written(ch)).startsWith("Server connected\n* ").as("greeting, then the join line").contains("/help");
        assertThat(room.size()).isEqualTo(1);
        assertThat(ch.pipeline().names()).containsSubsequence("counter", "limits", "bytes", "handler")
                .doesNotContain("detect", "telnet", "framer", "decoder");

        // Half-closing without a word still closes it and leaves the room.
        ch.pipeline().fireUserEventTriggered(io.netty.channel.socket.ChannelInputShutdownEvent.INSTANCE);
        ch.runPendingTasks();
        assertThat(ch.isOpen()).isFalse();
        assertThat(room.size()).isZero();
    }

    @Test
    void theFirstBytesPutTheStagesInPlaceInOrderAndPassOnThroughThem() {
        ChatServerConfig config = ChatServerConfig.builder().rate(1000).idleTimeout(Duration.ofMinutes(5)).build();
        EmbeddedChannel ch = client(config, null);
        written(ch);
        assertThat(ch.pipeline().names()).containsSubsequence("counter", "limits", "bytes", "idle", "handler")
                .doesNotContain("telnet", "framer", "rate", "decoder");

        // A telnet option request in the first read: refused by the telnet stage that read put in place.
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {(byte) 255, (byte) 253, 1}),
                Unpooled.copiedBuffer("hello\nwor", UTF_8));
        ch.writeInbound(Unpooled.copiedBuffer("ld\n", UTF_8));

        assertThat(sink.texts()).containsExactly("hello", "world");
        assertThat(stats.tcpLines()).isEqualTo(2);
        ByteBuf refusal = ch.readOutbound();
        assertThat(refusal.readableBytes()).isEqualTo(3);
        assertThat((int) refusal.getUnsignedByte(1)).as("WONT").isEqualTo(252);
        refusal.release();
        List<String> names = new ArrayList<>(ch.pipeline().names());
        // The framer decodes each line itself: no stage of its own for that.
        assertThat(names).containsSubsequence("counter", "limits", "telnet", "framer", "idle", "rate", "handler")
                .doesNotContain("bytes", "detect", "decoder");
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void aTlsHelloAsFirstBytesOnAPlainOnlyServerIsStillRefusedInPlainWords() {
        EmbeddedChannel ch = client(ChatServerConfig.builder().build(), null);
        written(ch);
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {0x16, 0x03, 0x01, 0x00, 0x05, 1, 2, 3, 4, 5}));

        assertThat(written(ch)).contains("no TLS certificate");
        assertThat(sink.texts()).isEmpty();
        ch.finishAndReleaseAll();
    }
}
