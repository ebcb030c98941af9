package org.dualchat.cli.console;

import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.Reader;
import java.nio.charset.StandardCharsets;

/**
 * Reads UTF-8 lines (ended by LF, CRLF, or the end of input) from a stream, keeping at most
 * {@code maxBytes} of a line in memory: a longer line is skipped and reported by its length only.
 * Invalid bytes become U+FFFD.
 */
public final class BoundedLineReader {

    private final Reader reader;
    private final int maxBytes;
    private final char[] buffer = new char[8192];
    private final StringBuilder line = new StringBuilder();
    private int position;
    private int limit;
    private long number;
    private boolean eof;

    public BoundedLineReader(InputStream in, int maxBytes) {
        this.reader = new InputStreamReader(in, StandardCharsets.UTF_8);
        this.maxBytes = maxBytes;
    }

    /** The next line, or {@code null} at the end of input. */
    public InputLine next() throws IOException {
        line.setLength(0);
        long bytes = 0;
        boolean any = false;
        char last = 0;
        while (true) {
            if (position == limit) {
                if (eof || !fill()) {
                    eof = true;
                    if (!any) {
                        return null;
                    }
                    return finish(bytes, last);
                }
            }
            any = true;
            char c = buffer[position++];
            if (c == '\n') {
                return finish(bytes, last);
            }
            last = c;
            bytes += utf8Length(c);
            if (bytes <= maxBytes) {
                line.append(c);
            }
        }
    }

    private InputLine finish(long bytes, char last) {
        number++;
        if (last == '\r') {
            // The CR was kept only if the line still fitted when it came.
            if (bytes <= maxBytes) {
                line.setLength(line.length() - 1);
            }
            bytes--;
        }
        return bytes > maxBytes ? new InputLine(number, null, bytes) : new InputLine(number, line.toString(), bytes);
    }

    private boolean fill() throws IOException {
        int n = reader.read(buffer);
        if (n < 0) {
            return false;
        }
        position = 0;
        limit = n;
        return true;
    }

    /** UTF-8 bytes for one UTF-16 unit: a surrogate pair makes 4 bytes, 2 for each half. */
    private static int utf8Length(char c) {
        if (c < 0x80) {
            return 1;
        }
        if (c < 0x800 || Character.isSurrogate(c)) {
            return 2;
        }
        return 3;
    }
}
