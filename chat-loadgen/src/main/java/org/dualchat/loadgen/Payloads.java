package org.dualchat.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** The bytes the loads send: printable ASCII lines, so that every receiver prints them as they are. */
final class Payloads {

    private static final byte[] ALPHABET =
            "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".getBytes(StandardCharsets.US_ASCII);

    private Payloads() {}

    /**
     * {@code lines} lines of {@code size} bytes of text and a newline each, in one direct buffer that the
     * caller releases; each write sends a retained duplicate or slice of it, so nothing is copied.
     */
    static ByteBuf lines(int size, int lines) {
        ByteBuf buf = Unpooled.directBuffer((size + 1) * lines);
        for (int l = 0; l < lines; l++) {
            for (int i = 0; i < size; i++) {
                buf.writeByte(ALPHABET[i % ALPHABET.length]);
            }
            buf.writeByte('\n');
        }
        return buf;
    }

    static void pad(ByteBuf buf, int n) {
        for (int i = 0; i < n; i++) {
            buf.writeByte(ALPHABET[i % ALPHABET.length]);
        }
    }
}
