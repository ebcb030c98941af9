package org.dualchat.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The plain output format, with and without time and colour, and the time it writes. */
@Timeout(10)
class MessageFormatsTest {

    private static final long T = Instant.parse("2025-01-02T10:41:07.012Z").toEpochMilli();

    private static String write(MessageFormat format, ChatMessage... messages) throws IOException {
        StringWriter out = new StringWriter();
        for (ChatMessage m : messages) {
            format.write(m, out);
        }
        return out.toString();
    }

    private static ChatMessage udp(String text) {
        return new ChatMessage(Protocol.UDP, "127.0.0.1", 40312, null, text, T);
    }

    @Test
    void plainWithoutOptionsIsTheSeedsFormat() throws IOException {
        assertThat(PlainFormat.of(false, false)).isSameAs(MessageFormat.PLAIN);
        assertThat(write(PlainFormat.of(false, false), udp("hi\u001b[2J")))
                .isEqualTo("127.0.0.1 : hi\\x1b[2J\n");
    }

    @Test
    void anActionIsStarSenderText() throws IOException {
        ChatMessage waves = new ChatMessage(Protocol.TCP, "::1", 2, "alice", "waves", T).asAction();
        assertThat(write(PlainFormat.of(false, false), waves, udp("x").asAction()))
                .isEqualTo("* alice@::1 waves\n* 127.0.0.1 x\n");
        assertThat(waves).isNotEqualTo(new ChatMessage(Protocol.TCP, "::1", 2, "alice", "waves", T));
    }

    @Test
    void timestampsPutTheTimeOfReceiptInFront() throws IOException {
        ChatMessage zeroMillis = new ChatMessage(Protocol.TCP, "::1", 2, "bob", "x", T - 12);
        assertThat(write(PlainFormat.of(true, false), udp("hello"), zeroMillis)).isEqualTo(
                "2025-01-02T10:41:07.012Z 127.0.0.1 : hello\n"
                        + "2025-01-02T10:41:07.000Z bob@::1 : x\n");
    }

    @Test
    void colourMarksTheSenderByProtocolAndOnlyTheSender() throws IOException {
        ChatMessage tcp = new ChatMessage(Protocol.TCP, "::1", 2, "alice", "hi", T);
        ChatMessage console = new ChatMessage(Protocol.CONSOLE, "server", 0, null, "note", T);
        ChatMessage ws = new ChatMessage(Protocol.WS, "127.0.0.1", 3, null, "from a browser", T);
        assertThat(write(PlainFormat.of(false, true), udp("a\u001b[31m"), tcp, ws, console)).isEqualTo(
                "\u001b[36m127.0.0.1\u001b[0m : a\\x1b[31m\n"
                        + "\u001b[32malice@::1\u001b[0m : hi\n"
                        + "\u001b[35m127.0.0.1\u001b[0m : from a browser\n"
                        + "\u001b[33mserver\u001b[0m : note\n");
        assertThat(write(PlainFormat.of(true, true), udp("b")))
                .isEqualTo("2025-01-02T10:41:07.012Z \u001b[36m127.0.0.1\u001b[0m : b\n");
    }

    @Test
    void isoTimeAlwaysHasThreeDigitsOfMilliseconds() {
        IsoTime time = new IsoTime();
        assertThat(time.format(0)).isEqualTo("1970-01-01T00:00:00.000Z");
        assertThat(time.format(T)).isEqualTo("2025-01-02T10:41:07.012Z");
        assertThat(time.format(T + 988)).isEqualTo("2025-01-02T10:41:08.000Z");
        assertThat(time.format(T + 987)).isEqualTo("2025-01-02T10:41:07.999Z");
        assertThat(time.format(-1)).isEqualTo("1969-12-31T23:59:59.999Z");
    }

    @Test
    void messagesAreEqualWhateverTheirTimeOfReceipt() {
        ChatMessage now = new ChatMessage(Protocol.UDP, "127.0.0.1", 40312, "hello");
        assertThat(now.receivedAt()).isCloseTo(System.currentTimeMillis(), org.assertj.core.data.Offset.offset(60_000L));
        assertThat(udp("hello")).isEqualTo(now).hasSameHashCodeAs(now);
        assertThat(udp("other")).isNotEqualTo(now);
    }
}
