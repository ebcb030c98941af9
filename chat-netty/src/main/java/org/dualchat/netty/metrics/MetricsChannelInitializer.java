package org.dualchat.netty.metrics;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpServerKeepAliveHandler;
import io.netty.handler.timeout.IdleStateHandler;
import java.util.concurrent.TimeUnit;

/** Builds the pipeline of one metrics HTTP connection: bounded HTTP/1.1 parsing, keep-alive, the endpoints. */
final class MetricsChannelInitializer extends ChannelInitializer<SocketChannel> {

    /** The largest request body accepted; the endpoints take none. Larger requests get 413. */
    static final int MAX_CONTENT_LENGTH = 8192;
    /** A kept-alive connection with no request for this long is closed. */
    static final long IDLE_SECONDS = 60;

    private final PrometheusMeterRegistry registry;
    private final ChannelGroup connections;

    MetricsChannelInitializer(PrometheusMeterRegistry registry, ChannelGroup connections) {
        this.registry = registry;
        this.connections = connections;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (connections.size() >= MetricsServer.MAX_CONNECTIONS) {
            ch.close();
            return;
        }
        connections.add(ch);
        ch.pipeline()
                .addLast("idle", new IdleStateHandler(0, 0, IDLE_SECONDS, TimeUnit.SECONDS))
                // Netty's defaults bound the request line (4 KB) and the headers (8 KB).
                .addLast("codec", new HttpServerCodec())
                .addLast("aggregator", new HttpObjectAggregator(MAX_CONTENT_LENGTH))
                .addLast("keepalive", new HttpServerKeepAliveHandler())
                .addLast("handler", new MetricsHttpHandler(registry));
    }
}
