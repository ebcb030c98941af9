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
 */
public final class Utf8LineDecoder extends MessageToMessageDecoder<ByteBuf> {

    private final ServerStats stats;

    public Utf8LineDecoder(ServerStats stats) {
        super(ByteBuf.class);
        this.stats = stats;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf line, List<Object> out) {
        String text = line.toString(StandardCharsets.UTF_8);
        // Blank lines are not messages (the handler skips them), so they are not counted as lines either.
        if (!text.isEmpty()) {
            stats.tcpLineReceived();
            if (Utf8Check.hadInvalidInput(line, text)) {
                stats.decodeError();
            }
        }
        out.add(text);
    }
}
