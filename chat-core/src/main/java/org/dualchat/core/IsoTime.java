package org.dualchat.core;

import java.io.IOException;
import java.io.Writer;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * Writes a time as ISO-8601 in UTC with milliseconds, always three digits: {@code 2025-01-02T10:41:07.012Z}.
 *
 * <p>{@link DateTimeFormatter#ISO_INSTANT} leaves out a zero fraction, which breaks column alignment and
 * naive parsers, and formatting costs more than printing the message; here only the part that changes once
 * a second goes through a formatter, and it is cached. Safe for any number of threads.
 */
public final class IsoTime {

    /** Room enough for any time, years beyond 9999 included ({@code +10000-01-01T00:00:00.000Z}). */
    public static final int MAX_LENGTH = 32;

    private static final DateTimeFormatter UP_TO_SECONDS =
            DateTimeFormatter.ofPattern("uuuu-MM-dd'T'HH:mm:ss.").withZone(ZoneOffset.UTC);

    /** The text of one second, published whole so that readers on other threads never see half of it. */
    private record Second(long epochSecond, char[] prefix) {}

    private volatile Second cached = new Second(Long.MIN_VALUE, new char[0]);

    /** Writes {@code epochMillis} to {@code out}. */
    public void write(long epochMillis, Writer out) throws IOException {
        char[] text = new char[MAX_LENGTH];
        out.write(text, 0, write(epochMillis, text));
    }

    /**
     * Writes {@code epochMillis} at the start of {@code to}, which has room for {@link #MAX_LENGTH}
     * characters, and returns how many it wrote.
     */
    public int write(long epochMillis, char[] to) {
        long epochSecond = Math.floorDiv(epochMillis, 1000);
        int millis = (int) Math.floorMod(epochMillis, 1000);
        Second second = cached;
        if (second.epochSecond() != epochSecond) {
            second = new Second(epochSecond, UP_TO_SECONDS.format(Instant.ofEpochSecond(epochSecond)).toCharArray());
            cached = second;
        }
        char[] prefix = second.prefix();
        int n = prefix.length;
        System.arraycopy(prefix, 0, to, 0, n);
        to[n] = (char) ('0' + millis / 100);
        to[n + 1] = (char) ('0' + millis / 10 % 10);
        to[n + 2] = (char) ('0' + millis % 10);
        to[n + 3] = 'Z';
        return n + 4;
    }

    /** {@code epochMillis} as text. */
    public String format(long epochMillis) {
        char[] text = new char[MAX_LENGTH];
        return new String(text, 0, write(epochMillis, text));
    }
}
