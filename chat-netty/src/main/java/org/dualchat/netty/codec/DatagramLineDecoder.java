package org.dualchat.netty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DatagramPacket;
import io.netty.handler.codec.MessageToMessageDecoder;
import io.netty.util.concurrent.FastThreadLocal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
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
        ByteBuf content = packet.content();
        if (!content.isReadable()) {
            return;
        }
        InetSocketAddress sender = packet.sender();
        String ip = SENDERS.get().printable(sender);
        int port = sender.getPort();
        // Each line is decoded straight from the datagram's bytes: one String per line and no copy of the whole
        // text first. LF never occurs inside a multi-byte UTF-8 sequence, so cutting at LF bytes is safe.
        boolean invalid = false;
        int start = content.readerIndex();
        int end = content.writerIndex();
        while (start < end) {
            int lf = content.indexOf(start, end, (byte) '\n');
            int lineEnd = lf < 0 ? end : lf;
            int trimmed = lineEnd > start && content.getByte(lineEnd - 1) == '\r' ? lineEnd - 1 : lineEnd;
            if (trimmed > start) {
                String text = content.toString(start, trimmed - start, StandardCharsets.UTF_8);
                invalid |= stats != null && Utf8Check.hadInvalidInput(content, start, trimmed, text);
                out.add(new ChatMessage(Protocol.UDP, ip, port, text));
                if (stats != null) {
                    stats.udpLineReceived();
                }
            }
            start = lineEnd + 1;
        }
        if (invalid) {
            stats.decodeError();
        }
    }

    /**
     * The last sender's printable address, per event loop thread: a stream of datagrams mostly comes from
     * one sender, and its address is then turned into text once rather than once a datagram.
     */
    private static final FastThreadLocal<LastSender> SENDERS = new FastThreadLocal<>() {
        @Override
        protected LastSender initialValue() {
            return new LastSender();
        }
    };

    /** One sender's address and its text. */
    private static final class LastSender {
        private InetAddress address;
        private String printable;

        String printable(InetSocketAddress sender) {
            InetAddress now = sender.getAddress();
            if (now == null) {
                return Addresses.printable(sender);
            }
            if (!now.equals(address)) {
                printable = Addresses.printable(sender);
                address = now;
            }
            return printable;
        }
    }
}
