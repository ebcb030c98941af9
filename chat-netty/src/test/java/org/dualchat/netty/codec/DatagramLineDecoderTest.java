package org.dualchat.netty.codec;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class DatagramLineDecoderTest {

    private static final InetSocketAddress SERVER = new InetSocketAddress("127.0.0.1", 1234);
    private static final InetSocketAddress SENDER = new InetSocketAddress("127.0.0.1", 40000);

    private static DatagramPacket packet(ByteBuf content, InetSocketAddress sender) {
        return new DatagramPacket(content, SERVER, sender);
    }

    private static DatagramPacket packet(String text) {
        return packet(Unpooled.copiedBuffer(text, UTF_8), SENDER);
    }

    private static List<ChatMessage> decode(DatagramPacket... packets) {
        EmbeddedChannel ch = new EmbeddedChannel(DatagramLineDecoder.INSTANCE);
        ch.writeInbound((Object[]) packets);
        List<ChatMessage> out = drain(ch);
        assertThat(ch.finish()).isFalse();
        for (DatagramPacket p : packets) {
            assertThat(p.refCnt()).as("datagram released").isZero();
        }
        return out;
    }

    @Test
    void aDatagramIsAMessageFromItsSender() {
        assertThat(decode(packet("hello")))
                .containsExactly(new ChatMessage(Protocol.UDP, "127.0.0.1", 40000, "hello"));
    }

    @Test
    void trimsTheTrailingNewline() {
        assertThat(decode(packet("hello\n"), packet("crlf\r\n")))
                .extracting(ChatMessage::text).containsExactly("hello", "crlf");
    }

    @Test
    void givesOneMessagePerLineAndSkipsBlankOnes() {
        assertThat(decode(packet("one\r\ntwo\n\n\r\nthree")))
                .extracting(ChatMessage::text).containsExactly("one", "two", "three");
    }

    @Test
    void anEmptyOrBlankDatagramIsNoMessage() {
        assertThat(decode(packet(""), packet("\n"), packet("\r\n\r\n"))).isEmpty();
    }

    @Test
    void keepsUnicodeAndReplacesInvalidBytes() {
        ByteBuf invalid = Unpooled.wrappedBuffer(new byte[] {'o', 'k', (byte) 0xC3, ' ', (byte) 0xFF});
        assertThat(decode(packet("héllo 世界 🎉"), packet(invalid, SENDER)))
                .extracting(ChatMessage::text).containsExactly("héllo 世界 🎉", "ok\uFFFD \uFFFD");
    }

    @Test
    void aMaximalDatagramIsOneWholeMessage() {
        String text = "x".repeat(65_506) + "y";
        List<ChatMessage> messages = decode(packet(text));
        assertThat(messages).hasSize(1);
        assertThat(messages.get(0).text()).hasSize(65_507).isEqualTo(text);
    }

    @Test
    void showsSendersInTheirShortForm() throws Exception {
        InetSocketAddress v6 = new InetSocketAddress("::1", 5000);
        InetSocketAddress mapped = new InetSocketAddress(
                java.net.Inet6Address.getByAddress(null, new byte[] {0, 0, 0, 0, 0, 0, 0, 0, 0, 0,
                    (byte) 0xff, (byte) 0xff, 10, 0, 0, 7}, null), 6000);
        assertThat(decode(packet(Unpooled.copiedBuffer("a", UTF_8), v6),
                        packet(Unpooled.copiedBuffer("b", UTF_8), mapped)))
                .extracting(ChatMessage::ip, ChatMessage::port)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("::1", 5000),
                        org.assertj.core.groups.Tuple.tuple("10.0.0.7", 6000));
    }

    @Test
    void sendersThatTakeTurnsEachKeepTheirOwnAddress() {
        InetSocketAddress other = new InetSocketAddress("10.1.2.3", 7000);
        assertThat(decode(packet(Unpooled.copiedBuffer("a", UTF_8), SENDER),
                        packet(Unpooled.copiedBuffer("b", UTF_8), other),
                        packet(Unpooled.copiedBuffer("c", UTF_8), SENDER)))
                .extracting(ChatMessage::ip, ChatMessage::port, ChatMessage::text)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("127.0.0.1", 40000, "a"),
                        org.assertj.core.groups.Tuple.tuple("10.1.2.3", 7000, "b"),
                        org.assertj.core.groups.Tuple.tuple("127.0.0.1", 40000, "c"));
    }

    @Test
    void readsOnlyTheReadableBytesOfTheDatagram() {
        ByteBuf content = Unpooled.copiedBuffer("skip\nfirst\nsecond\r\ntail", UTF_8);
        content.readerIndex("skip\n".length());
        content.writerIndex(content.writerIndex() - "tail".length());
        assertThat(decode(packet(content, SENDER))).extracting(ChatMessage::text).containsExactly("first", "second");
    }

    @Test
    void aLineOfInvalidBytesDoesNotSpoilTheNextLine() {
        ByteBuf bytes = Unpooled.wrappedBuffer(new byte[] {(byte) 0xE2, (byte) 0x82, '\n', 'o', 'k', (byte) 0xC3, (byte) 0xA9});
        assertThat(decode(packet(bytes, SENDER))).extracting(ChatMessage::text).containsExactly("\uFFFD", "oké");
    }
}
