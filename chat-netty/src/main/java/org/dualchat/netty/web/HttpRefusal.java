package org.dualchat.netty.web;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.channel.socket.SocketChannel;
import java.util.concurrent.TimeUnit;

/**
 * Sits right before the connection limiter of an HTTP connection and turns the one line it writes to a
 * refused client ({@code Server full: ...}) into an HTTP {@code 503} response with that line as its body,
 * so that a browser shows the reason and a WebSocket client sees a failed handshake, not garbage. Only
 * what is written while the connection becomes active is touched: the limiter refuses then or never.
 *
 * <p>The close that follows lingers, as HTTP servers' do: the response is followed by a FIN, and the
 * request the client sent meanwhile is read and dropped for a moment. Closed at once, the connection
 * would have unread bytes, and the kernel would answer them with a reset that makes the client's kernel
 * throw the response away unread.
 */
final class HttpRefusal extends ChannelDuplexHandler {

    /** How long a refused connection waits for the client to close, reading and dropping what it sends. */
    static final long LINGER_MILLIS = 1000;

    private boolean activating;
    private boolean refused;

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
        refused = true;
        ctx.write(response, promise);
    }

    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!refused || !(ctx.channel() instanceof SocketChannel) || !ctx.channel().isActive()) {
            ctx.close(promise);
            return;
        }
        refused = false;
        ctx.flush();
        // The limiter drops what is read meanwhile; the client's own close ends the connection sooner.
        ((SocketChannel) ctx.channel()).shutdownOutput().addListener(done ->
                ctx.executor().schedule(() -> ctx.close(promise), LINGER_MILLIS, TimeUnit.MILLISECONDS));
    }
}
