package org.dualchat.core;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

/**
 * The sink's output: one block of bytes in front of the stream, written with one call when full or flushed.
 *
 * <p>A {@link MessageFormat#PLAIN} line whose sender and text are printable ASCII (the common case: nothing
 * for {@link TextSafety} to escape, nothing for UTF-8 to encode) is copied into the block a character a byte,
 * in the same pass that checks it. Any other line, and any other format, goes through the format's
 * {@link Writer} and the JDK's UTF-8 encoder into the same block, so the order of lines is kept. Used by one
 * thread only.
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

    /**
     * The PLAIN line, {@code [* ][nick@]ip( | : )text\n}, if nick and text are printable ASCII and the line
     * fits a block; {@code false}, with nothing written, if not.
     */
    private boolean writeAscii(ChatMessage message) throws IOException {
        String nick = message.nick();
        String ip = message.ip();
        String text = message.text();
        int length = (nick != null ? nick.length() + 1 : 0) + ip.length() + text.length() + 5;
        if (length > BLOCK) {
            return false;
        }
        if (BLOCK - used < length) {
            drain();
        }
        int start = used;
        int at = start;
        boolean action = message.action();
        if (action) {
            block[at++] = '*';
            block[at++] = ' ';
        }
        if (nick != null) {
            at = copyPlain(nick, at);
            if (at < 0) {
                return false;
            }
            block[at++] = '@';
        }
        // The ip is ours (an address, or "server"): printable ASCII, but checked as cheaply as the rest.
        at = copyPlain(ip, at);
        if (at < 0) {
            return false;
        }
        block[at++] = ' ';
        if (!action) {
            block[at++] = ':';
            block[at++] = ' ';
        }
        at = copyPlain(text, at);
        if (at < 0) {
            return false;
        }
        block[at++] = '\n';
        used = at;
        return true;
    }

    /**
     * Copies {@code s} into the block at {@code at} if every character is printable ASCII or a TAB (what
     * {@link TextSafety} leaves alone and UTF-8 writes as one byte); the index after it, or -1 if not.
     */
    private int copyPlain(String s, int at) {
        byte[] b = block;
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
