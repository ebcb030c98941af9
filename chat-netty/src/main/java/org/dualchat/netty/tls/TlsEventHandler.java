package org.dualchat.netty.tls;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.ssl.SslCloseCompletionEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sits right after the {@link SslHandler} of one TLS client: closes the connection when the handshake
 * fails, counting the failure, and when the client ends TLS with {@code close_notify} (its way of
 * half-closing). TLS errors are the client's business: they stay at debug level, never a warning.
 */
final class TlsEventHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(TlsEventHandler.class);

    private final HandshakeFailures failures;
    private boolean failed;

    TlsEventHandler(HandshakeFailures failures) {
        this.failures = failures;
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof SslHandshakeCompletionEvent) {
            SslHandshakeCompletionEvent handshake = (SslHandshakeCompletionEvent) evt;
            if (handshake.isSuccess()) {
                SSLSession session = ctx.pipeline().get(SslHandler.class).engine().getSession();
                logger.debug("{} TLS handshake done: {}, {}", ctx.channel(), session.getProtocol(),
                        session.getCipherSuite());
            } else if (!failed) {
                failed = true;
                failures.record(ctx.channel(), handshake.cause());
                ctx.close();
            }
        } else if (evt instanceof SslCloseCompletionEvent && ((SslCloseCompletionEvent) evt).isSuccess()) {
            // As after a TCP half-close: the framer delivers what is left when the channel goes inactive.
            logger.debug("{} ended TLS (close_notify), closing", ctx.channel());
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        Throwable tls = cause instanceof DecoderException && cause.getCause() != null ? cause.getCause() : cause;
        if (tls instanceof SSLException) {
            if (!failed) {
                logger.debug("{} TLS error, closing: {}", ctx.channel(), tls.toString());
            }
            ctx.close();
            return;
        }
        ctx.fireExceptionCaught(cause);
    }
}
