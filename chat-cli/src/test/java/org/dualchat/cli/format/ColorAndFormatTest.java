package org.dualchat.cli.format;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.StringWriter;
import java.util.Map;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ColorAndFormatTest {

    @Test
    void autoColoursOnlyATerminalWithoutNoColor() {
        assertThat(ColorMode.AUTO.enabled(true, Map.of())).isTrue();
        assertThat(ColorMode.AUTO.enabled(false, Map.of())).isFalse();
        assertThat(ColorMode.AUTO.enabled(true, Map.of("NO_COLOR", "1"))).isFalse();
        assertThat(ColorMode.AUTO.enabled(true, Map.of("NO_COLOR", ""))).as("empty NO_COLOR is unset").isTrue();
        assertThat(ColorMode.AUTO.enabled(true, Map.of("TERM", "dumb"))).isFalse();
        assertThat(ColorMode.ALWAYS.enabled(false, Map.of("NO_COLOR", "1"))).isTrue();
        assertThat(ColorMode.NEVER.enabled(true, Map.of())).isFalse();
        assertThat(new ColorMode.Converter().convert("Always")).isEqualTo(ColorMode.ALWAYS);
    }

    @Test
    void formatsPeerMessagesAsTheSeedDid() throws IOException {
        ChatMessage message = new ChatMessage(Protocol.UDP, "::1", 1084, "hi\u001b[2J");
        assertThat(write(ReceivedFormat.peer(false, false), message)).isEqualTo("::1 : hi\u001b[2J\n");
        assertThat(write(ReceivedFormat.peer(true, true), message))
                .isEqualTo("\u001b[36m::1 : hi\uFFFD[2J\u001b[0m\n");
        assertThat(write(ReceivedFormat.text(true), message)).isEqualTo("hi\uFFFD[2J\n");
    }

    @Test
    void harmlessKeepsTabsAndPrintableText() {
        assertThat(ReceivedFormat.harmless("a\tb ü €")).isEqualTo("a\tb ü €");
        assertThat(ReceivedFormat.harmless("bell\u0007 del\u007f c1\u009b")).isEqualTo("bell\uFFFD del\uFFFD c1\uFFFD");
    }

    private static String write(org.dualchat.core.MessageFormat format, ChatMessage message) throws IOException {
        StringWriter out = new StringWriter();
        format.write(message, out);
        return out.toString();
    }
}
