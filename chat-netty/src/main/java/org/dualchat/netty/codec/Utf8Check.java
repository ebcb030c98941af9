package org.dualchat.netty.codec;

import io.netty.buffer.ByteBuf;

/**
 * Tells whether decoding some bytes as UTF-8 met invalid input, from the decoded text, without decoding twice.
 *
 * <p>The decoder replaces each invalid sequence with U+FFFD, and a valid U+FFFD in the input (EF BF BD)
 * decodes to U+FFFD as well: the input was invalid exactly when the text holds more U+FFFD than the bytes
 * hold EF BF BD. The common case costs one {@code indexOf} on the text, which for Latin-1 text (held one
 * byte a character) returns at once; the bytes are scanned only when the text has a U+FFFD at all.
 */
public final class Utf8Check {

    private Utf8Check() {}

    /** Whether {@code text}, decoded from the readable bytes of {@code bytes}, met invalid UTF-8. */
    public static boolean hadInvalidInput(ByteBuf bytes, String text) {
        return hadInvalidInput(bytes, bytes.readerIndex(), bytes.writerIndex(), text);
    }

    /** Whether {@code text}, decoded from the bytes of {@code bytes} from {@code from} to {@code to}, met invalid UTF-8. */
    public static boolean hadInvalidInput(ByteBuf bytes, int from, int to, String text) {
        int first = text.indexOf('\uFFFD');
        if (first < 0) {
            return false;
        }
        int inText = 0;
        for (int i = first; i < text.length(); i++) {
            if (text.charAt(i) == '\uFFFD') {
                inText++;
            }
        }
        int inBytes = 0;
        int end = to - 2;
        for (int i = from; i < end; i++) {
            if (bytes.getByte(i) == (byte) 0xEF && bytes.getByte(i + 1) == (byte) 0xBF
                    && bytes.getByte(i + 2) == (byte) 0xBD) {
                inBytes++;
                i += 2;
            }
        }
        return inText > inBytes;
    }
}
