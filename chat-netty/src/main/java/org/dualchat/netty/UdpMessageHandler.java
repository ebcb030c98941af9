package org.dualchat.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each datagram line to the sink. UDP has no way to slow a sender down, so a line the full sink
 * cannot take is dropped and counted.
 */
final class UdpMessageHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(UdpMessageHandler.class);

    private final MessageSink sink;
    private final DropCounter dropped;

    UdpMessageHandler(MessageSink sink, DropCounter dropped) {
        this.sink = sink;
        this.dropped = dropped;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!sink.offer((ChatMessage) msg)) {
            dropped.increment();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // One bad datagram or a transient socket error must not take the UDP port down.
        logger.warn("{} error while receiving, still serving: {}", ctx.channel(), cause.toString());
    }
}
