package org.dualchat.netty;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.IOException;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.core.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greets a TCP client and hands each of its lines to the sink, pausing reads from the client while the
 * sink is full, so that nothing the server has read is ever dropped.
 */
final class TcpMessageHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(TcpMessageHandler.class);

    private final MessageSink sink;
    private final byte[] greeting;
    private final HeldMessages held;
    private SinkFeeder feeder;
    private String ip;
    private int port;

    TcpMessageHandler(MessageSink sink, byte[] greeting, HeldMessages held) {
        this.sink = sink;
        this.greeting = greeting;
        this.held = held;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        feeder = new SinkFeeder(ctx, sink, held);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ip = Addresses.printable(ctx.channel().remoteAddress());
        port = Addresses.port(ctx.channel().remoteAddress());
        logger.info("{} connected", ctx.channel());
        if (greeting.length > 0) {
            ctx.writeAndFlush(Unpooled.wrappedBuffer(greeting), ctx.voidPromise());
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        String text = (String) msg;
        if (text.isEmpty()) {
            return;
        }
        feeder.deliver(new ChatMessage(Protocol.TCP, ip, port, text));
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof ChannelInputShutdownEvent) {
            // The framer has already delivered the last partial line; the client has nothing more to say.
            logger.debug("{} half-closed by the client, closing", ctx.channel());
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        logger.info("{} disconnected", ctx.channel());
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            // Reset by peer, broken pipe: the ordinary ways a client goes away.
            logger.debug("{} I/O error, closing: {}", ctx.channel(), cause.toString());
        } else {
            logger.warn("{} unexpected error, closing", ctx.channel(), cause);
        }
        ctx.close();
    }
}
