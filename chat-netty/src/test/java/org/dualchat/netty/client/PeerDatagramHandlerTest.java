package org.dualchat.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicInteger;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.dualchat.netty.codec.DatagramLineDecoder;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PeerDatagramHandlerTest {

    private static final InetSocketAddress ME = new InetSocketAddress("127.0.0.1", 1234);
    private static final InetSocketAddress PEER = new InetSocketAddress("127.0.0.1", 1084);

    private final CollectingSink sink = new CollectingSink();
    private final AtomicInteger byes = new AtomicInteger();

    @Test
    void deliversEachLineOfADatagramFromItsSender() {
        EmbeddedChannel ch = new EmbeddedChannel(
                DatagramLineDecoder.INSTANCE, new PeerDatagramHandler(sink, byes::incrementAndGet));
        ch.writeInbound(datagram("héllo\r\n\nsecond line"));
        assertThat(sink.drain()).containsExactly(
                new ChatMessage(Protocol.UDP, "127.0.0.1", 1084, "héllo"),
                new ChatMessage(Protocol.UDP, "127.0.0.1", 1084, "second line"));
        assertThat(byes).hasValue(0);
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void saysWhenThePeerSaysBye() {
        EmbeddedChannel ch = new EmbeddedChannel(
                DatagramLineDecoder.INSTANCE, new PeerDatagramHandler(sink, byes::incrementAndGet));
        ch.writeInbound(datagram("Bye bye"));
        assertThat(byes).hasValue(0);
        ch.writeInbound(datagram("Bye"));
        assertThat(byes).hasValue(1);
        assertThat(sink.texts()).containsExactly("Bye bye", "Bye");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void dropsAndCountsWhatAFullSinkCannotTake() {
        PeerDatagramHandler handler = new PeerDatagramHandler(sink, byes::incrementAndGet);
        EmbeddedChannel ch = new EmbeddedChannel(DatagramLineDecoder.INSTANCE, handler);
        sink.setFull(true);
        ch.writeInbound(datagram("lost"), datagram("Bye"));
        assertThat(handler.dropped()).isEqualTo(2);
        assertThat(byes).as("Bye still ends the chat").hasValue(1);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void skipsAnEmptyDatagramAndMakesInvalidBytesVisible() {
        EmbeddedChannel ch = new EmbeddedChannel(
                DatagramLineDecoder.INSTANCE, new PeerDatagramHandler(sink, byes::incrementAndGet));
        ch.writeInbound(new DatagramPacket(Unpooled.EMPTY_BUFFER, ME, PEER));
        ch.writeInbound(new DatagramPacket(Unpooled.wrappedBuffer(new byte[] {'a', (byte) 0xff}), ME, PEER));
        assertThat(sink.texts()).containsExactly("a\uFFFD");
        assertThat(ch.finish()).isFalse();
    }

    private static DatagramPacket datagram(String text) {
        return new DatagramPacket(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8), ME, PEER);
    }
}
