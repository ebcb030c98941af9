package org.dualchat.netty.web;

import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.websocketx.WebSocketDecoderConfig;
import io.netty.handler.codec.http.websocketx.WebSocketFrameAggregator;
import io.netty.handler.codec.http.websocketx.Utf8FrameValidator;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import java.util.function.Supplier;
import org.dualchat.netty.limit.Limits;
import org.dualchat.netty.stats.ServerStats;

/**
 * Turns an HTTP connection that asked for the WebSocket into a room member: completes the handshake,
 * swaps the page's handlers for the WebSocket ones, and sets up the same handlers a TCP client has after
 * its framer (idle timeout, rate limit, the message handler), which then see the connection become active
 * and join the room. Shared by the connections of one server.
 *
 * <p>The member's pipeline, after the handshake: {@code counter, [acl], refusal, limits, [tls],
 * wsencoder, wsdecoder, utf8, aggregator, lines, [idle], [rate], handler}.
 */
final class WebSocketStage {

    private final WebSocketDecoderConfig decoderConfig;
    private final int maxLineLength;
    private final ServerStats stats;
    private final Limits limits;
    private final Supplier<ChannelHandler> messageHandler;

    /** @param messageHandler makes the handler of one member's lines, the same as a TCP client's */
    WebSocketStage(int maxLineLength, ServerStats stats, Limits limits, Supplier<ChannelHandler> messageHandler) {
        this.maxLineLength = maxLineLength;
        this.stats = stats;
        this.limits = limits;
        this.messageHandler = messageHandler;
        this.decoderConfig = WebSocketDecoderConfig.newBuilder()
                // One frame over the longest line is closed with 1009 by the decoder itself.
                .maxFramePayloadLength(maxLineLength)
                // The handshake adds no UTF-8 check of its own: "utf8" below does it (1007).
                .withUTF8Validator(true)
                .closeOnProtocolViolation(true)
                .allowExtensions(false)
                .build();
    }

    WebSocketDecoderConfig decoderConfig() {
        return decoderConfig;
    }

    /** Answers the handshake on {@code ctx}'s channel and makes it a member; {@code ctx} is the page handler's. */
    void upgrade(ChannelHandlerContext ctx, WebSocketServerHandshaker handshaker, FullHttpRequest request) {
        ChannelPipeline pipeline = ctx.pipeline();
        // The handshake puts the WebSocket codec in place of HTTP's before it returns: frames read next are decoded.
        handshaker.handshake(ctx.channel(), request).addListener(ChannelFutureListener.CLOSE_ON_FAILURE);
        if (pipeline.get(WebChannelInitializer.HTTP_IDLE) != null) {
            pipeline.remove(WebChannelInitializer.HTTP_IDLE);
        }
        WebSocketLines lines = new WebSocketLines(stats);
        pipeline.replace(ctx.handler(), "lines", lines);
        // A message of several frames over the longest line is closed with 1009 by WebSocketLines.
        pipeline.addBefore("lines", "aggregator", new WebSocketFrameAggregator(maxLineLength));
        // Text that is not UTF-8 is closed with 1007, as the protocol asks, rather than printed with U+FFFD.
        pipeline.addBefore("aggregator", "utf8", new Utf8FrameValidator(true));
        Limits.addIfOn(pipeline, "idle", limits.newIdleCloser());
        Limits.addIfOn(pipeline, "rate", limits.newTcpRateLimiter());
        pipeline.addLast("handler", messageHandler.get());
        // The handlers after "lines" were added to a live channel: tell them it is active, so the member
        // joins the room (and is greeted) now, after the 101 response, before any frame is read.
        pipeline.context(lines).fireChannelActive();
    }
}
