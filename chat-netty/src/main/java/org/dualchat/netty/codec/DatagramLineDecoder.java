package org.dualchat.netty.codec;

import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.stats.ServerStats;

/**
 * Decodes a datagram as UTF-8 into one {@link ChatMessage} per line: a trailing CR/LF is trimmed, blank
 * lines are skipped, and invalid bytes become U+FFFD.
 */
@Sharable
public final class DatagramLineDecoder extends MessageToMessageDecoder<DatagramPacket> {

    /** The instance for the clients, which count nothing; it keeps no state. */
    public static final DatagramLineDecoder INSTANCE = new DatagramLineDecoder(null);

    // Thread-safe counters, or null: sharing the decoder shares no state between channels.
    private final ServerStats stats;

    /** A decoder that counts lines and invalid UTF-8 in {@code stats}, or nothing if it is {@code null}. */
    public DatagramLineDecoder(ServerStats stats) {
        super(DatagramPacket.class);
        this.stats = stats;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, DatagramPacket packet, List<Object> out) {
        if (!packet.content().isReadable()) {
            return;
        }
        // LF never occurs inside a multi-byte UTF-8 sequence, so decoding first and splitting after is safe.
        String text = packet.content().toString(StandardCharsets.UTF_8);
        if (stats != null && Utf8Check.hadInvalidInput(packet.content(), text)) {
            stats.decodeError();
        }
        String ip = Addresses.printable(packet.sender());
        int port = packet.sender().getPort();
        int start = 0;
        while (start < text.length()) {
            int lf = text.indexOf('\n', start);
            int end = lf < 0 ? text.length() : lf;
            int trimmed = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            if (trimmed > start) {
                out.add(new ChatMessage(Protocol.UDP, ip, port, text.substring(start, trimmed)));
                if (stats != null) {
                    stats.udpLineReceived();
                }
            }
            start = end + 1;
        }
    }
}
