package org.dualchat.netty.common;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.IdleStateEvent;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the server's HTTP endpoints (the metrics port, the chat page) answer alike: short plain-text
 * replies, keep-alive as the request asks unless the reply must close, a connection closed when it sits
 * idle (its {@code IdleStateHandler} fires), and an unexpected error logged once before the close.
 */
public abstract class HttpEndpoint extends SimpleChannelInboundHandler<FullHttpRequest> {

    private static final Logger logger = LoggerFactory.getLogger(HttpEndpoint.class);

    /** A plain-text reply with its length set. */
    protected static FullHttpResponse text(HttpResponseStatus status, String body) {
        FullHttpResponse response = new DefaultFullHttpResponse(
                HttpVersion.HTTP_1_1, status, Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
        response.headers().set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
        HttpUtil.setContentLength(response, response.content().readableBytes());
        return response;
    }

    /**
     * Sends {@code response} in the request's HTTP version; the connection stays open if the request
     * asked for keep-alive and {@code close} is false (a malformed request closes it).
     */
    protected void respond(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response,
            boolean close) {
        response.setProtocolVersion(request.protocolVersion());
        boolean keepAlive = !close && HttpUtil.isKeepAlive(request);
        HttpUtil.setKeepAlive(response, keepAlive);
        if (keepAlive) {
            ctx.writeAndFlush(response, ctx.voidPromise());
        } else {
            ctx.writeAndFlush(response).addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt instanceof IdleStateEvent) {
            // A kept-alive connection with no request: it holds a connection slot for nothing.
            ctx.close();
            return;
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof IOException) {
            logger.debug("{} I/O error, closing: {}", ctx.channel(), cause.toString());
        } else {
            logger.warn("{} unexpected error, closing", ctx.channel(), cause);
        }
        ctx.close();
    }
}
