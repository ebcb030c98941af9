package org.dualchat.netty.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import java.util.concurrent.atomic.AtomicLong;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each line a peer sends (split by {@link org.dualchat.netty.codec.DatagramLineDecoder}) to the sink,
 * and says when one is {@value PeerChat#BYE}. UDP cannot slow the peer down, so a line the full sink
 * cannot take is dropped and counted.
 */
final class PeerDatagramHandler extends SimpleChannelInboundHandler<ChatMessage> {

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
    protected void channelRead0(ChannelHandlerContext ctx, ChatMessage message) {
        if (!sink.offer(message)) {
            dropped.incrementAndGet();
        }
        if (PeerChat.BYE.equals(message.text())) {
            onBye.run();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // A transient socket error (an ICMP error surfacing, say) must not end the chat.
        logger.debug("{} error while receiving, still listening: {}", ctx.channel(), cause.toString());
    }
}
