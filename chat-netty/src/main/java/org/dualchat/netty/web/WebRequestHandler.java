package org.dualchat.netty.web;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.websocketx.WebSocketHandshakeException;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketServerHandshakerFactory;
import org.dualchat.netty.common.HttpEndpoint;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Answers one HTTP connection of the chat page's port: the page's files on {@code GET}, and on
 * {@code /ws} the WebSocket handshake, after checking the page's {@code Origin}; the connection then
 * becomes a room member ({@link WebSocketStage}). Every response carries a strict Content-Security-Policy:
 * the page runs only its own script, loads nothing from elsewhere, connects only back to this server,
 * and (Trusted Types) cannot hand a string to {@code innerHTML} even by mistake. One per connection.
 */
final class WebRequestHandler extends HttpEndpoint {

    private static final Logger logger = LoggerFactory.getLogger(WebRequestHandler.class);

    /** The path of the WebSocket endpoint. */
    static final String WS_PATH = "/ws";

    static final String CONTENT_SECURITY_POLICY = "default-src 'none'; script-src 'self'; style-src 'self';"
            + " img-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none';"
            + " require-trusted-types-for 'script'; trusted-types 'none'";

    private final StaticFiles files;
    private final WebOrigins origins;
    private final WebSocketStage stage;
    private final boolean secure;

    WebRequestHandler(StaticFiles files, WebOrigins origins, WebSocketStage stage, boolean secure) {
        this.files = files;
        this.origins = origins;
        this.stage = stage;
        this.secure = secure;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest request) {
        if (!request.decoderResult().isSuccess()) {
            respond(ctx, request, text(HttpResponseStatus.BAD_REQUEST, "bad request\n"), true);
            return;
        }
        String path = new QueryStringDecoder(request.uri()).path();
        boolean get = HttpMethod.GET.equals(request.method());
        if (!get && !HttpMethod.HEAD.equals(request.method())) {
            FullHttpResponse response = text(HttpResponseStatus.METHOD_NOT_ALLOWED, "method not allowed: use GET\n");
            response.headers().set(HttpHeaderNames.ALLOW, "GET, HEAD");
            respond(ctx, request, response, false);
        } else if (path.equals(WS_PATH)) {
            webSocket(ctx, request);
        } else {
            StaticFiles.File file = files.get(path);
            if (file == null) {
                respond(ctx, request, text(HttpResponseStatus.NOT_FOUND, "not found: the chat is at /\n"), false);
            } else {
                respond(ctx, request, file(request, file, get), false);
            }
        }
    }

    private void webSocket(ChannelHandlerContext ctx, FullHttpRequest request) {
        HttpHeaders headers = request.headers();
        if (!HttpMethod.GET.equals(request.method())
                || !headers.containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
            respond(ctx, request, text(HttpResponseStatus.BAD_REQUEST,
                    "this is the chat's WebSocket: connect with a WebSocket client, or open / in a browser\n"), false);
            return;
        }
        String origin = headers.get(HttpHeaderNames.ORIGIN);
        if (!origins.permits(origin, headers.get(HttpHeaderNames.HOST), secure)) {
            logger.debug("{} WebSocket refused: origin {} not allowed", ctx.channel(), origin);
            respond(ctx, request, text(HttpResponseStatus.FORBIDDEN,
                    "origin not allowed: open the chat page of this server, or see --http-allow-origin\n"), true);
            return;
        }
        String url = (secure ? "wss://" : "ws://") + headers.get(HttpHeaderNames.HOST, "localhost") + WS_PATH;
        WebSocketServerHandshaker handshaker =
                new WebSocketServerHandshakerFactory(url, null, stage.decoderConfig()).newHandshaker(request);
        if (handshaker == null) {
            WebSocketServerHandshakerFactory.sendUnsupportedVersionResponse(ctx.channel());
            return;
        }
        try {
            stage.upgrade(ctx, handshaker, request);
            logger.debug("{} WebSocket from origin {}", ctx.channel(), origin);
        } catch (WebSocketHandshakeException e) {
            // A malformed handshake (no key): refused before the pipeline changed, as any bad request is.
            respond(ctx, request, text(HttpResponseStatus.BAD_REQUEST,
                    "bad WebSocket handshake: " + e.getMessage() + "\n"), true);
        }
    }

    private static FullHttpResponse file(FullHttpRequest request, StaticFiles.File file, boolean withBody) {
        boolean unchanged = file.etag().equals(request.headers().get(HttpHeaderNames.IF_NONE_MATCH));
        FullHttpResponse response = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1,
                unchanged ? HttpResponseStatus.NOT_MODIFIED : HttpResponseStatus.OK,
                unchanged || !withBody ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(file.content()));
        response.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, file.contentType())
                .set(HttpHeaderNames.ETAG, file.etag())
                // Revalidated on each load, so that a new server's page is never mixed with an old script.
                .set(HttpHeaderNames.CACHE_CONTROL, "no-cache");
        if (!unchanged) {
            HttpUtil.setContentLength(response, file.content().length);
        }
        return response;
    }

    @Override
    protected void respond(ChannelHandlerContext ctx, FullHttpRequest request, FullHttpResponse response,
            boolean close) {
        response.headers()
                .set(HttpHeaderNames.CONTENT_SECURITY_POLICY, CONTENT_SECURITY_POLICY)
                .set("X-Content-Type-Options", "nosniff")
                .set(HttpHeaderNames.X_FRAME_OPTIONS, "DENY")
                .set("Referrer-Policy", "no-referrer");
        super.respond(ctx, request, response, close);
    }
}
