package org.dualchat.netty.web;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.CorruptedFrameException;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CorruptedWebSocketFrameException;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketCloseStatus;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import java.nio.charset.StandardCharsets;
import org.dualchat.netty.common.OutputEnding;
import org.dualchat.netty.stats.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Makes a WebSocket connection look like a TCP one to the handlers after it: each text frame becomes
 * its lines, as strings; each buffer of lines written to the client ({@code sender : text\n}, one or
 * several) becomes one text frame per line, without the newline. Answers pings, echoes a close, refuses
 * binary frames (close 1003) and messages over the longest line (close 1009), and sends a close frame
 * before any close the handlers after it ask for ({@code /quit}, the idle timeout, shutdown). One per
 * connection.
 */
final class WebSocketLines extends ChannelDuplexHandler implements OutputEnding {

    private static final Logger logger = LoggerFactory.getLogger(WebSocketLines.class);

    private final ServerStats stats;
    private boolean closeSent;

    WebSocketLines(ServerStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof WebSocketFrame)) {
            ctx.fireChannelRead(msg);
            return;
        }
        WebSocketFrame frame = (WebSocketFrame) msg;
        try {
            if (frame instanceof TextWebSocketFrame) {
                lines(ctx, frame.content());
            } else if (frame instanceof PingWebSocketFrame) {
                ctx.writeAndFlush(new PongWebSocketFrame(frame.content().retain()), ctx.voidPromise());
            } else if (frame instanceof CloseWebSocketFrame) {
                // The client is leaving: answer its close as the protocol asks, then hang up.
                close(ctx, WebSocketCloseStatus.NORMAL_CLOSURE, "");
            } else if (frame instanceof BinaryWebSocketFrame) {
                logger.debug("{} sent a binary frame, closing", ctx.channel());
                close(ctx, WebSocketCloseStatus.INVALID_MESSAGE_TYPE, "text frames only");
            }
            // Pongs need nothing; continuations never get here: the aggregator before this joins them.
        } finally {
            frame.release();
        }
    }

    /** Hands on each line of a text frame: LF ends a line, and a CR before it is dropped, as on TCP. */
    private void lines(ChannelHandlerContext ctx, ByteBuf content) {
        String text = content.toString(StandardCharsets.UTF_8);
        int start = 0;
        while (true) {
            int end = text.indexOf('\n', start);
            String line = end < 0 ? text.substring(start)
                    : text.substring(start, end > start && text.charAt(end - 1) == '\r' ? end - 1 : end);
            if (!line.isEmpty()) {
                stats.tcpLineReceived();
                ctx.fireChannelRead(line);
            }
            if (end < 0) {
                return;
            }
            start = end + 1;
        }
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
        if (!(msg instanceof ByteBuf) || !((ByteBuf) msg).isReadable()) {
            ctx.write(msg, promise);
            return;
        }
        ByteBuf lines = (ByteBuf) msg;
        try {
            int end = lines.writerIndex();
            int start = lines.readerIndex();
            while (start < end) {
                int newline = lines.indexOf(start, end, (byte) '\n');
                int stop = newline < 0 ? end : newline;
                boolean last = newline < 0 || newline + 1 >= end;
                TextWebSocketFrame frame = new TextWebSocketFrame(lines.retainedSlice(start, stop - start));
                ctx.write(frame, last ? promise : ctx.voidPromise());
                start = stop + 1;
            }
        } finally {
            lines.release();
        }
    }

    /** The server is stopping: says so with a close frame ("going away"), and reads on until the client closes. */
    @Override
    public void endOutput(ChannelHandlerContext ctx) {
        if (!closeSent && ctx.channel().isActive()) {
            closeSent = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.ENDPOINT_UNAVAILABLE, "server shutting down"),
                    ctx.voidPromise());
        }
    }

    /** Any close asked by the handlers after this one, or by the server: tell the client first. */
    @Override
    public void close(ChannelHandlerContext ctx, ChannelPromise promise) {
        if (!closeSent && ctx.channel().isActive()) {
            closeSent = true;
            // No wait for the frame: a client that reads nothing must not keep its connection by not reading it.
            ctx.writeAndFlush(new CloseWebSocketFrame(WebSocketCloseStatus.NORMAL_CLOSURE), ctx.voidPromise());
        }
        ctx.close(promise);
    }

    private void close(ChannelHandlerContext ctx, WebSocketCloseStatus status, String reason) {
        if (!closeSent && ctx.channel().isActive()) {
            closeSent = true;
            ctx.writeAndFlush(new CloseWebSocketFrame(status.code(), reason), ctx.voidPromise());
        }
        ctx.close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (cause instanceof TooLongFrameException) {
            // A message of several frames over the longest line: one frame too long is the decoder's (1009 too).
            logger.debug("{} sent a message over the longest line, closing", ctx.channel());
            close(ctx, WebSocketCloseStatus.MESSAGE_TOO_BIG, "message too long");
        } else if (cause instanceof CorruptedWebSocketFrameException || cause instanceof CorruptedFrameException) {
            // The decoder has already sent the close frame with the code that fits (1002, 1007, 1009).
            closeSent = true;
            logger.debug("{} WebSocket protocol error, closing: {}", ctx.channel(), cause.toString());
            ctx.close();
        } else {
            ctx.fireExceptionCaught(cause);
        }
    }
}
