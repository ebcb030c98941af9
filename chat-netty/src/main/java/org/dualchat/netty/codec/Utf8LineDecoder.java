package org.dualchat.netty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.dualchat.netty.stats.ServerStats;

/**
 * Decodes each TCP line as UTF-8, as Netty's {@code StringDecoder} does (invalid bytes become U+FFFD), and
 * counts the lines and those that held invalid UTF-8 in the server's stats. One per channel.
 *
 * <p>The server does not add it as a stage of its own: its {@link LineFramer} decodes each line with {@link
 * #frameReader}, straight from the bytes read, rather than cutting a slice for this stage to decode and
 * release (a slice object and a pipeline step per line; the slices were a sixth of what the server allocated
 * per line).
 */
public final class Utf8LineDecoder extends MessageToMessageDecoder<ByteBuf> {

    private final ServerStats stats;

    public Utf8LineDecoder(ServerStats stats) {
        super(ByteBuf.class);
        this.stats = stats;
    }

    /** The same decoding and counting, for a {@link LineFramer}: each line read from its bytes into a {@code String}. */
    public static LineFramer.FrameReader frameReader(ServerStats stats) {
        return (in, length) -> {
            int from = in.readerIndex();
            String text = in.toString(from, length, StandardCharsets.UTF_8);
            count(stats, in, from, from + length, text);
            in.skipBytes(length);
            return text;
        };
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf line, List<Object> out) {
        String text = line.toString(StandardCharsets.UTF_8);
        count(stats, line, line.readerIndex(), line.writerIndex(), text);
        out.add(text);
    }

    private static void count(ServerStats stats, ByteBuf bytes, int from, int to, String text) {
        // Blank lines are not messages (the handler skips them), so they are not counted as lines either.
        if (!text.isEmpty()) {
            stats.tcpLineReceived();
            if (Utf8Check.hadInvalidInput(bytes, from, to, text)) {
                stats.decodeError();
            }
        }
    }
}
