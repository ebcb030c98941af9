package org.dualchat.netty.web;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.ChannelHandler;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.function.Function;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.limit.Limits;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.tls.TlsStage;
import org.jspecify.annotations.Nullable;

/**
 * The chat page's port: {@code GET /} serves a small chat page from the jar, and {@code /ws} takes
 * WebSocket clients into the room beside the TCP and UDP senders. A WebSocket client speaks the TCP
 * client's lines, one text frame per line each way, and is held to the same limits. It runs on the chat
 * server's own event loop group, and its members are the server's clients: closed and drained with them.
 *
 * <pre>{@code
 * WebServer web = new WebServer(options, 8192, 256 * 1024, Duration.ZERO, sink, clients, stats, limits, null,
 *         true, wsSink -> new MyLineHandler(wsSink));
 * Channel listening = web.bootstrap(group, NioServerSocketChannel.class)
 *         .bind(new InetSocketAddress(8080)).sync().channel();
 * }</pre>
 */
public final class WebServer {

    private final int clientBuffer;
    private final WebChannelInitializer initializer;

    /**
     * @param maxLineLength the longest line a browser may send, as for TCP
     * @param clientBuffer the outbound bytes a slow browser may hold before it misses relays, as for TCP
     * @param idleTimeout how long a browser may send nothing; {@link Duration#ZERO} for ever
     * @param clients where each connection is added, for the server to close at shutdown
     * @param tls the TLS in front of every connection (HTTPS and WSS), or {@code null} for plain HTTP
     * @param relaying whether the server relays (a room) or only receives
     * @param member makes the handler of one browser's lines once it has upgraded, given the sink that
     *     marks its messages as WebSocket ones: the same handler a TCP client gets
     */
    public WebServer(WebOptions options, int maxLineLength, int clientBuffer, Duration idleTimeout, MessageSink sink,
            ChannelGroup clients, ServerStats stats, Limits limits, @Nullable TlsStage tls, boolean relaying,
            Function<MessageSink, ChannelHandler> member) {
        this.clientBuffer = clientBuffer;
        MessageSink wsSink = new WebSocketSink(sink);
        WebSocketStage stage = new WebSocketStage(maxLineLength, stats, limits, () -> member.apply(wsSink));
        this.initializer = new WebChannelInitializer(clients, limits, tls,
                new StaticFiles(maxLineLength, relaying), new WebOrigins(options.allowOrigins()), stage,
                idleTimeout.toMillis());
    }

    /** A bootstrap for the page's port on {@code group}; the caller binds it. */
    public ServerBootstrap bootstrap(EventLoopGroup group, Class<? extends ServerChannel> channelType) {
        return new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A browser that reads too slowly misses relays past this, as a TCP client does.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(clientBuffer / 2, clientBuffer))
                .childHandler(initializer);
    }

    /**
     * The address to open in a browser for a bound address: a wildcard becomes {@code localhost}, which
     * works on the server's own machine.
     */
    public static String url(InetSocketAddress bound, boolean tls) {
        String host = bound.getAddress() != null && bound.getAddress().isAnyLocalAddress()
                ? "localhost:" + bound.getPort() : Addresses.withPort(bound);
        return (tls ? "https://" : "http://") + host + "/";
    }
}
