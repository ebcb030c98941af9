package org.dualchat.netty.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;

/**
 * Sits right before the connection limiter of an HTTP connection and turns the one line it writes to a
 * refused client ({@code Server full: ...}) into an HTTP {@code 503} response with that line as its body,
 * so that a browser shows the reason and a WebSocket client sees a failed handshake, not garbage. Only
 * what is written while the connection becomes active is touched: the limiter refuses then or never.
 */
final class HttpRefusal extends ChannelDuplexHandler {

    private boolean activating;

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        activating = true;
        try {
            ctx.fireChannelActive();
        } finally {
            activating = false;
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!activating || !(msg instanceof ByteBuf)) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf body = (ByteBuf) msg;
        String head = "HTTP/1.1 503 Service Unavailable\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\n"
                + "Content-Length: " + body.readableBytes() + "\r\n"
                + "Retry-After: 10\r\n"
                + "Connection: close\r\n\r\n";
        ByteBuf response = ctx.alloc().buffer(head.length() + body.readableBytes());
        ByteBufUtil.writeAscii(response, head);
        response.writeBytes(body);
        body.release();
        ctx.write(response, promise);
    }
}
