package org.dualchat.core;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The sink's output: one block of bytes in front of the stream, written with one call when full or flushed.
 *
 * <p>A {@link MessageFormat#PLAIN} line whose sender and text are printable ASCII (the common case: nothing
 * for {@link TextSafety} to escape, nothing for UTF-8 to encode) is copied into the block a character a byte,
 * in the same pass that checks it. Any other line, and any other format, goes through the format's
 * {@link Writer} and the JDK's UTF-8 encoder into the same block, so the order of lines is kept. Used by one
 * thread only; {@link #preprint}, which makes such lines into bytes ahead of time, by any.
 */
final class LineOutput {

    static final int BLOCK = 64 * 1024;

    private final OutputStream out;
    private final MessageFormat format;
    private final byte[] block = new byte[BLOCK];
    private int used;
    // The other formats and lines: chars -> UTF-8 -> the block. Flushed after each line, which moves its bytes
    // into the block (not to the stream).
    private final Writer encoded;

    LineOutput(OutputStream out, MessageFormat format) {
        this.out = out;
        this.format = format;
        this.encoded = new BufferedWriter(new OutputStreamWriter(new IntoBlock(), StandardCharsets.UTF_8), 8192);
    }

    /** Adds {@code message}, formatted, to the block; writes the block out when it is full. */
    void write(ChatMessage message) throws IOException {
        if (format != MessageFormat.PLAIN || !writeAscii(message)) {
            format.write(message, encoded);
            encoded.flush();
        }
    }

    /** Writes the block to the stream and flushes the stream. */
    void flush() throws IOException {
        drain();
        out.flush();
    }

    private void drain() throws IOException {
        if (used > 0) {
            int n = used;
            used = 0;
            out.write(block, 0, n);
        }
    }

    /** Adds lines {@link #preprint}ed while they waited: their bytes as they are. */
    void writePrinted(byte[] bytes) throws IOException {
        if (bytes.length > BLOCK - used) {
            drain();
            if (bytes.length > BLOCK) {
                out.write(bytes);
                return;
            }
        }
        System.arraycopy(bytes, 0, block, used, bytes.length);
        used += bytes.length;
    }

    /**
     * {@code messages} as the {@link MessageFormat#PLAIN} lines {@link #write} would print, in one array of their
     * exact size, if every one is printable ASCII; {@code null} if not. For lines that will wait in the sink's
     * queue: one array instead of a message, a string and its bytes per line.
     */
    static byte[] preprint(List<ChatMessage> messages) {
        int length = 0;
        for (ChatMessage message : messages) {
            length += plainLength(message);
        }
        byte[] bytes = new byte[length];
        int at = 0;
        for (ChatMessage message : messages) {
            at = writeAscii(message, bytes, at);
            if (at < 0) {
                return null;
            }
        }
        return bytes;
    }

    /** The length of {@code message}'s PLAIN line if it is ASCII: {@code [* ][nick@]ip( | : )text\n}. */
    private static int plainLength(ChatMessage message) {
        String nick = message.nick();
        return (nick != null ? nick.length() + 1 : 0) + message.ip().length() + message.text().length()
                + 4; // " : " and the newline, or "* ", " " and the newline
    }

    /**
     * The PLAIN line if nick and text are printable ASCII and the line fits a block; {@code false}, with nothing
     * written, if not.
     */
    private boolean writeAscii(ChatMessage message) throws IOException {
        int length = plainLength(message);
        if (length > BLOCK) {
            return false;
        }
        if (BLOCK - used < length) {
            drain();
        }
        int at = writeAscii(message, block, used);
        if (at < 0) {
            return false;
        }
        used = at;
        return true;
    }

    /** Writes the PLAIN line into {@code b} at {@code at}, which has room for it; the index after it, or -1. */
    private static int writeAscii(ChatMessage message, byte[] b, int at) {
        boolean action = message.action();
        if (action) {
            b[at++] = '*';
            b[at++] = ' ';
        }
        String nick = message.nick();
        if (nick != null) {
            at = copyPlain(nick, b, at);
            if (at < 0) {
                return -1;
            }
            b[at++] = '@';
        }
        // The ip is ours (an address, or "server"): printable ASCII, but checked as cheaply as the rest.
        at = copyPlain(message.ip(), b, at);
        if (at < 0) {
            return -1;
        }
        b[at++] = ' ';
        if (!action) {
            b[at++] = ':';
            b[at++] = ' ';
        }
        at = copyPlain(message.text(), b, at);
        if (at < 0) {
            return -1;
        }
        b[at++] = '\n';
        return at;
    }

    /**
     * Copies {@code s} into {@code b} at {@code at} if every character is printable ASCII or a TAB (what
     * {@link TextSafety} leaves alone and UTF-8 writes as one byte); the index after it, or -1 if not.
     */
    private static int copyPlain(String s, byte[] b, int at) {
        for (int i = 0, n = s.length(); i < n; i++) {
            char c = s.charAt(i);
            if (c >= 0x7f || c < 0x20 && c != '\t') {
                return -1;
            }
            b[at++] = (byte) c;
        }
        return at;
    }

    /** The encoder's stream: into the block, out to the real stream only when the block is full. */
    private final class IntoBlock extends OutputStream {
        @Override
        public void write(int b) throws IOException {
            if (used == BLOCK) {
                drain();
            }
            block[used++] = (byte) b;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            while (len > 0) {
                if (used == BLOCK) {
                    drain();
                }
                int n = Math.min(len, BLOCK - used);
                System.arraycopy(b, off, block, used, n);
                used += n;
                off += n;
                len -= n;
            }
        }

        @Override
        public void flush() {
            // Into the block only: LineOutput.flush() writes it out.
        }
    }
}
