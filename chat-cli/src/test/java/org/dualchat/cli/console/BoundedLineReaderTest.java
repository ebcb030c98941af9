package org.dualchat.cli.console;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class BoundedLineReaderTest {

    @Test
    void readsLfCrlfAndALastLineWithoutNewline() throws IOException {
        BoundedLineReader reader = reader("one\r\ntwo\n\nthree", 100);
        assertThat(reader.next()).isEqualTo(new InputLine(1, "one", 3));
        assertThat(reader.next()).isEqualTo(new InputLine(2, "two", 3));
        assertThat(reader.next()).isEqualTo(new InputLine(3, "", 0));
        assertThat(reader.next()).isEqualTo(new InputLine(4, "three", 5));
        assertThat(reader.next()).isNull();
        assertThat(reader.next()).isNull();
    }

    @Test
    void skipsALineLongerThanTheLimitAndCountsItsUtf8Bytes() throws IOException {
        // "é" is 2 bytes, "€" 3, "😀" 4 (a surrogate pair).
        BoundedLineReader reader = reader("éé€\n😀😀\r\n12345678\nok", 8);
        assertThat(reader.next()).isEqualTo(new InputLine(1, "éé€", 7));
        assertThat(reader.next()).isEqualTo(new InputLine(2, "😀😀", 8));
        InputLine tooLong = reader.next();
        assertThat(tooLong).isEqualTo(new InputLine(3, "12345678", 8));
        assertThat(reader("123456789\nok", 8).next()).isEqualTo(new InputLine(1, null, 9));
        assertThat(reader.next()).isEqualTo(new InputLine(4, "ok", 2));
    }

    @Test
    void aCrPastTheLimitDoesNotCount() throws IOException {
        BoundedLineReader reader = reader("12345678\r\n123456789\r\n", 8);
        assertThat(reader.next()).isEqualTo(new InputLine(1, "12345678", 8));
        InputLine tooLong = reader.next();
        assertThat(tooLong.tooLong()).isTrue();
        assertThat(tooLong.length()).isEqualTo(9);
        assertThat(reader.next()).isNull();
    }

    @Test
    void showsInvalidBytesAsReplacementCharacters() throws IOException {
        BoundedLineReader reader = new BoundedLineReader(new ByteArrayInputStream(new byte[] {'a', (byte) 0xff}), 8);
        assertThat(reader.next().text()).isEqualTo("a\uFFFD");
    }

    private static BoundedLineReader reader(String input, int maxBytes) {
        return new BoundedLineReader(new ByteArrayInputStream(input.getBytes(StandardCharsets.UTF_8)), maxBytes);
    }
}
