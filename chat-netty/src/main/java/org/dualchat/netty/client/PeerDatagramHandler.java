package org.dualchat.netty.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.socket.DatagramPacket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.core.Protocol;
import org.dualchat.netty.Addresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns each datagram a peer sends into one message per line for the sink, and says when a line is
 * {@value PeerChat#BYE}. UDP cannot slow the peer down, so a line the full sink cannot take is dropped
 * and counted.
 */
final class PeerDatagramHandler extends SimpleChannelInboundHandler<DatagramPacket> {

    private static final Logger logger = LoggerFactory.getLogger(PeerDatagramHandler.class);

    private final MessageSink sink;
    private final Runnable onBye;
    private final AtomicLong dropped = new AtomicLong();

    /** @param onBye run on the event loop when a {@value PeerChat#BYE} line arrives; must not block */
    PeerDatagramHandler(MessageSink sink, Runnable onBye) {
        this.sink = sink;
        this.onBye = onBye;
    }

    long dropped() {
        return dropped.get();
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, DatagramPacket packet) {
        // LF never occurs inside a multi-byte UTF-8 sequence, so decoding first and splitting after is safe.
        String text = packet.content().toString(StandardCharsets.UTF_8);
        String ip = Addresses.printable(packet.sender());
        int port = packet.sender().getPort();
        int start = 0;
        while (start < text.length()) {
            int lf = text.indexOf('\n', start);
            int end = lf < 0 ? text.length() : lf;
            int trimmed = end > start && text.charAt(end - 1) == '\r' ? end - 1 : end;
            if (trimmed > start) {
                deliver(new ChatMessage(Protocol.UDP, ip, port, text.substring(start, trimmed)));
            }
            start = end + 1;
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A transient socket error (an ICMP error surfacing, say) must not end the chat.
        logger.debug("{} error while receiving, still listening: {}", ctx.channel(), cause.toString());
    }

    private void deliver(ChatMessage message) {
        if (!sink.offer(message)) {
            dropped.incrementAndGet();
        }
        if (PeerChat.BYE.equals(message.text())) {
            onBye.run();
        }
    }
}
