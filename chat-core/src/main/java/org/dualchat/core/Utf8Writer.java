package org.dualchat.core;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.io.Writer;

/**
 * A buffered {@link Writer} that encodes UTF-8 straight into its byte buffer and hands the stream whole
 * blocks: each character is copied once, where {@code BufferedWriter} over {@code OutputStreamWriter}
 * copies it into a char buffer, then encodes it into an 8 KB byte buffer, and writes in 8 KB pieces.
 * A lone surrogate becomes {@code ?}, as the JDK's UTF-8 encoder makes it. Not thread-safe.
 */
final class Utf8Writer extends Writer {

    private final OutputStream out;
    private final byte[] buf;
    private int count;
    // A high surrogate that ended the last write: its low half may start the next one.
    private char pendingHigh;

    Utf8Writer(OutputStream out, int bufferSize) {
        this.out = requireNonNull(out, "out");
        if (bufferSize < 16) {
            throw new IllegalArgumentException("bufferSize: " + bufferSize + " (expected: >= 16)");
        }
        this.buf = new byte[bufferSize];
    }

    @Override
    public void write(int c) throws IOException {
        put((char) c);
    }

    @Override
    public void write(String s, int off, int len) throws IOException {
        int end = off + len;
        for (int i = off; i < end; i++) {
            char c = s.charAt(i);
            if (c < 0x80 && pendingHigh == 0) {
                if (count == buf.length) {
                    drain();
                }
                buf[count++] = (byte) c;
            } else {
                put(c);
            }
        }
    }

    @Override
    public void write(char[] chars, int off, int len) throws IOException {
        for (int i = off; i < off + len; i++) {
            put(chars[i]);
        }
    }

    private void put(char c) throws IOException {
        if (buf.length - count < 4) {
            drain();
        }
        if (pendingHigh != 0) {
            char high = pendingHigh;
            pendingHigh = 0;
            if (Character.isLowSurrogate(c)) {
                int cp = Character.toCodePoint(high, c);
                buf[count++] = (byte) (0xf0 | (cp >> 18));
                buf[count++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
                buf[count++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
                buf[count++] = (byte) (0x80 | (cp & 0x3f));
                return;
            }
            buf[count++] = '?';
            if (buf.length - count < 4) {
                drain();
            }
        }
        if (c < 0x80) {
            buf[count++] = (byte) c;
        } else if (c < 0x800) {
            buf[count++] = (byte) (0xc0 | (c >> 6));
            buf[count++] = (byte) (0x80 | (c & 0x3f));
        } else if (Character.isHighSurrogate(c)) {
            pendingHigh = c;
        } else if (Character.isLowSurrogate(c)) {
            buf[count++] = '?';
        } else {
            buf[count++] = (byte) (0xe0 | (c >> 12));
            buf[count++] = (byte) (0x80 | ((c >> 6) & 0x3f));
            buf[count++] = (byte) (0x80 | (c & 0x3f));
        }
    }

    private void drain() throws IOException {
        if (count > 0) {
            out.write(buf, 0, count);
            count = 0;
        }
    }

    /** Writes out what is buffered; a high surrogate still waiting for its other half stays. */
    @Override
    public void flush() throws IOException {
        drain();
        out.flush();
    }

    @Override
    public void close() throws IOException {
        if (pendingHigh != 0) {
            pendingHigh = 0;
            put('?');
        }
        flush();
        out.close();
    }
}
