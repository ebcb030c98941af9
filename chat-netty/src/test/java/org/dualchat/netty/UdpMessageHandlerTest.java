package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.dualchat.netty.limit.DropCounter;
import org.dualchat.netty.testing.ControlledSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class UdpMessageHandlerTest {

    @Test
    void deliversWhileThereIsRoomThenCountsWhatItDrops() {
        ControlledSink sink = new ControlledSink(2);
        DropCounter dropped = new DropCounter("test messages");
        EmbeddedChannel ch = new EmbeddedChannel(new UdpMessageHandler(sink, dropped));
        for (int i = 0; i < 5; i++) {
            ch.writeInbound(new ChatMessage(Protocol.UDP, "127.0.0.1", 1, "m" + i));
        }
        assertThat(sink.texts()).containsExactly("m0", "m1");
        assertThat(dropped.total()).isEqualTo(3);
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void keepsServingAfterAnError() {
        ControlledSink sink = ControlledSink.unbounded();
        EmbeddedChannel ch = new EmbeddedChannel(new UdpMessageHandler(sink, new DropCounter("test")));
        ch.pipeline().fireExceptionCaught(new java.io.IOException("ICMP port unreachable"));
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(new ChatMessage(Protocol.UDP, "127.0.0.1", 1, "still here"));
        assertThat(sink.texts()).containsExactly("still here");
        assertThat(ch.finish()).isFalse();
    }
}
