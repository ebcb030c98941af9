package org.dualchat.netty.codec;

import java.nio.charset.StandardCharsets;
import org.dualchat.netty.stats.ServerStats;

/**
 * Decodes each TCP line as UTF-8, as Netty's {@code StringDecoder} does (invalid bytes become U+FFFD), and
 * counts the lines and those that held invalid UTF-8 in the server's stats.
 *
 * <p>It is the server's {@link LineFramer}'s {@link LineFramer.FrameReader}: each line is decoded straight from
 * the bytes read, rather than cut as a slice for a stage of its own to decode and release (a slice object and a
 * pipeline step per line; the slices were a sixth of what the server allocated per line).
 */
public final class Utf8LineDecoder {

    private Utf8LineDecoder() {}

    /** Reads each frame into a {@code String}, counting it in {@code stats}; one per channel or shared alike. */
    public static LineFramer.FrameReader frameReader(ServerStats stats) {
        return (in, length) -> {
            int from = in.readerIndex();
            String text = in.toString(from, length, StandardCharsets.UTF_8);
            // Blank lines are not messages (the handler skips them), so they are not counted as lines either.
            if (!text.isEmpty()) {
                stats.tcpLineReceived();
                if (Utf8Check.hadInvalidInput(in, from, from + length, text)) {
                    stats.decodeError();
                }
            }
            in.skipBytes(length);
            return text;
        };
    }
}
