package org.dualchat.netty.web;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.limit.Limits;
import org.dualchat.netty.tls.TlsStage;

/**
 * Builds the pipeline of one connection to the chat page's port: counted, access-checked and limited
 * like a TCP client (a refusal told as an HTTP 503), then TLS if configured, then bounded HTTP/1.1 and
 * the page's handler, which upgrades {@code /ws} to a room member ({@link WebSocketStage}).
 */
final class WebChannelInitializer extends ChannelInitializer<SocketChannel> {

    /** The name of the idle timer of a connection that is still HTTP (loading the page, keeping alive). */
    static final String HTTP_IDLE = "http-idle";
    /** The largest request body accepted; the page takes none. Larger requests get 413. */
    static final int MAX_CONTENT_LENGTH = 8192;
    /** A kept-alive HTTP connection with no request for this long is closed (sooner with a shorter idle timeout). */
    static final long HTTP_IDLE_MILLIS = 60_000;

    private final ChannelGroup clients;
    private final Limits limits;
    private final TlsStage tls;
    private final StaticFiles files;
    private final WebOrigins origins;
    private final WebSocketStage stage;
    private final long httpIdleMillis;

    WebChannelInitializer(ChannelGroup clients, Limits limits, TlsStage tls, StaticFiles files,
            WebOrigins origins, WebSocketStage stage, long idleTimeoutMillis) {
        this.clients = clients;
        this.limits = limits;
        this.tls = tls;
        this.files = files;
        this.origins = origins;
        this.stage = stage;
        this.httpIdleMillis = idleTimeoutMillis > 0 ? Math.min(idleTimeoutMillis, HTTP_IDLE_MILLIS) : HTTP_IDLE_MILLIS;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        clients.add(ch);
        ChannelPipeline pipeline = ch.pipeline();
        limits.addAdmission(pipeline, new HttpRefusal());
        if (tls != null) {
            tls.addTlsTo(pipeline);
        }
        pipeline.addLast(HTTP_IDLE, new IdleStateHandler(0, 0, httpIdleMillis, TimeUnit.MILLISECONDS))
                // Netty's defaults bound the request line (4 KB) and the headers (8 KB).
                .addLast("http", new HttpServerCodec())
                .addLast("http-aggregator", new HttpObjectAggregator(MAX_CONTENT_LENGTH))
                .addLast("page", new WebRequestHandler(files, origins, stage, tls != null));
    }
}
