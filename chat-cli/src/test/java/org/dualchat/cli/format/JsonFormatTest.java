package org.dualchat.cli.format;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.core.Protocol;
import org.dualchat.core.TextSafety;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** JSON Lines output. */
@Timeout(10)
class JsonFormatTest {

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
    void jsonIsOneObjectPerLineWithEveryField() throws IOException {
        ChatMessage tcp = new ChatMessage(Protocol.TCP, "::1", 2222, "alice", "hé 🎉", T);
        ChatMessage console = new ChatMessage(Protocol.CONSOLE, "server", 0, null, "note", T);
        ChatMessage ws = new ChatMessage(Protocol.WS, "127.0.0.1", 50000, null, "from a browser", T);
        String out = write(new JsonFormat(), udp("hello"), tcp, ws, console);
        assertThat(out).isEqualTo(
                "{\"time\":\"2025-01-02T10:41:07.012Z\",\"protocol\":\"udp\",\"ip\":\"127.0.0.1\",\"port\":40312,"
                        + "\"text\":\"hello\"}\n"
                        + "{\"time\":\"2025-01-02T10:41:07.012Z\",\"protocol\":\"tcp\",\"ip\":\"::1\",\"port\":2222,"
                        + "\"nick\":\"alice\",\"text\":\"hé 🎉\"}\n"
                        + "{\"time\":\"2025-01-02T10:41:07.012Z\",\"protocol\":\"ws\",\"ip\":\"127.0.0.1\",\"port\":50000,"
                        + "\"text\":\"from a browser\"}\n"
                        + "{\"time\":\"2025-01-02T10:41:07.012Z\",\"protocol\":\"console\",\"ip\":\"server\","
                        + "\"port\":0,\"text\":\"note\"}\n");
    }

    @Test
    void anActionIsMarkedSoThatItIsToldFromTextThatLooksLikeOne() throws IOException {
        ChatMessage waves = new ChatMessage(Protocol.TCP, "::1", 2222, "alice", "waves", T).asAction();
        ChatMessage typed = new ChatMessage(Protocol.TCP, "::1", 2222, "alice", "* alice waves", T);
        assertThat(write(new JsonFormat(), waves, typed)).isEqualTo(
                "{\"time\":\"2025-01-02T10:41:07.012Z\",\"protocol\":\"tcp\",\"ip\":\"::1\",\"port\":2222,"
                        + "\"nick\":\"alice\",\"text\":\"waves\",\"action\":true}\n"
                        + "{\"time\":\"2025-01-02T10:41:07.012Z\",\"protocol\":\"tcp\",\"ip\":\"::1\",\"port\":2222,"
                        + "\"nick\":\"alice\",\"text\":\"* alice waves\"}\n");
    }

    @Test
    void jsonEscapesWhatWouldDriveATerminalAndAReaderGetsTheTextBack() throws IOException {
        String nasty = "q\"b\\s/\t\n\r\u0000\u0007\u001b[2J\u007f\u009b\u202e\u2028é€😀";
        String out = write(new JsonFormat(), new ChatMessage(Protocol.TCP, "::1", 1, "n\u001bck", nasty, T));

        assertThat(out).endsWith("}\n").hasLineCount(1);
        // Nothing a terminal acts on is left raw: only printable text, and the one newline at the end.
        String body = out.substring(0, out.length() - 1);
        assertThat(body.chars().filter(c -> TextSafety.isUnsafe((char) c) || c == '\t')).isEmpty();
        assertThat(body).contains("\\u001B[2J", "\\u007F", "\\u009B", "\\u202E", "\\u2028", "é€😀",
                "q\\\"b\\\\s/\\t\\n\\r\\u0000\\u0007");

        Map<String, Object> parsed = parse(body);
        assertThat(parsed).containsEntry("text", nasty).containsEntry("nick", "n\u001bck");
    }

    @Test
    void jsonThroughThePrintingSinkIsUtf8JsonLines() throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintingSink sink = new PrintingSink(bytes, new JsonFormat())) {
            for (int i = 0; i < 1000; i++) {
                sink.offer(udp("line " + i + " ü"));
            }
        }
        List<String> lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
        assertThat(lines).hasSize(1000);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(parse(lines.get(i))).containsEntry("text", "line " + i + " ü")
                    .containsEntry("protocol", "udp").containsEntry("port", 40312);
        }
    }

    private static Map<String, Object> parse(String line) throws IOException {
        Map<String, Object> fields = new LinkedHashMap<>();
        try (JsonParser p = new JsonFactory().createParser(line)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                fields.put(name, value == JsonToken.VALUE_NUMBER_INT ? (Object) p.getIntValue() : p.getText());
            }
            assertThat(p.currentToken()).isEqualTo(JsonToken.END_OBJECT);
            assertThat(p.nextToken()).isNull();
        }
        return fields;
    }
}
