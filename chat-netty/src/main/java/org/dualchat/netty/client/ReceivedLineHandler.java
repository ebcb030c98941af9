package org.dualchat.netty.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import java.io.IOException;
import java.time.Duration;
import javax.net.ssl.SSLException;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.core.Protocol;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.common.HeldMessages;
import org.dualchat.netty.common.SinkFeeder;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each line the server sends to the sink, pausing reads while the sink is full, and remembers
 * the error, if any, that ended the connection.
 */
final class ReceivedLineHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(ReceivedLineHandler.class);

    private final MessageSink sink;
    private final HeldMessages held = new HeldMessages();
    private SinkFeeder feeder;
    private String ip = "";
    private int port;
    private volatile Throwable failure;

    ReceivedLineHandler(MessageSink sink) {
        this.sink = sink;
    }

    /** The error that ended the connection, or {@code null} if it ended without one. */
    Throwable failure() {
        return failure;
    }

    /** Waits up to {@code timeout} until every line read has reached the sink; never on an event loop. */
    boolean awaitDelivered(Duration timeout) throws InterruptedException {
        return held.awaitNone(timeout);
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        feeder = new SinkFeeder(ctx, sink, held);
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ip = Addresses.printable(ctx.channel().remoteAddress());
        port = Addresses.port(ctx.channel().remoteAddress());
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        feeder.deliver(new ChatMessage(Protocol.TCP, ip, port, (String) msg));
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof DecoderException && cause.getCause() instanceof SSLException) {
            // TLS errors come wrapped by the SslHandler's decoder; they are I/O errors like any other.
            cause = cause.getCause();
        }
        if (failure == null) {
            failure = cause;
        }
        if (cause instanceof IOException) {
            logger.debug("{} I/O error, closing: {}", ctx.channel(), cause.toString());
        } else {
            logger.warn("{} unexpected error, closing", ctx.channel(), cause);
        }
        ctx.close();
    }
}
