package org.dualchat.core;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TextSafetyTest {

    @Test
    void leavesOrdinaryTextAloneWithoutCopyingIt() {
        String text = "héllo wörld, 你好, emoji 😀, tab\tinside, C:\\temp, ~ and !";
        assertThat(TextSafety.escape(text)).isSameAs(text);
        assertThat(TextSafety.isSafe(text)).isTrue();
    }

    @Test
    void escapesTerminalControlSequences() {
        assertThat(TextSafety.escape("\u001b[2J\u001b]0;owned\u0007gotcha"))
                .isEqualTo("\\x1b[2J\\x1b]0;owned\\x07gotcha");
        assertThat(TextSafety.escape("abc\bX\rfake line\u0000\u007f"))
                .isEqualTo("abc\\x08X\\x0dfake line\\x00\\x7f");
    }

    @Test
    void escapesC1ControlsThatSomeTerminalsObeyAsEscape() {
        assertThat(TextSafety.escape("a\u009b31mred\u0085b")).isEqualTo("a\\u009b31mred\\u0085b");
        assertThat(TextSafety.escape("\u00a0non-breaking")).isEqualTo("\u00a0non-breaking");
    }

    @Test
    void escapesBidiOverridesAndLineSeparators() {
        assertThat(TextSafety.escape("invoice\u202Egpj.exe")).isEqualTo("invoice\\u202egpj.exe");
        assertThat(TextSafety.escape("\u2066\u2067\u2068\u2069\u200e\u200f\u061c"))
                .isEqualTo("\\u2066\\u2067\\u2068\\u2069\\u200e\\u200f\\u061c");
        assertThat(TextSafety.escape("one\u2028two\u2029")).isEqualTo("one\\u2028two\\u2029");
        assertThat(TextSafety.escape("ZWJ family 👨\u200d👩\u200d👧 stays")).isEqualTo("ZWJ family 👨\u200d👩\u200d👧 stays");
    }

    @Test
    void everyCharacterBelowSpaceButTabIsEscaped() {
        for (char c = 0; c < 0x20; c++) {
            assertThat(TextSafety.isSafe(String.valueOf(c))).as("U+%04X", (int) c).isEqualTo(c == '\t');
        }
    }
}
