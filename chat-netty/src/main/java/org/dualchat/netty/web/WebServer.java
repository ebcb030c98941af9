package org.dualchat.netty.web;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.TcpMessageHandler;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.common.HeldMessages;
import org.dualchat.netty.limit.Limits;
import org.dualchat.netty.room.ChatRoom;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.tls.TlsStage;

/**
 * The chat page's port: {@code GET /} serves a small chat page from the jar, and {@code /ws} takes
 * WebSocket clients into the room beside the TCP and UDP senders. A WebSocket client speaks the TCP
 * client's lines, one text frame per line each way, and is held to the same limits. It runs on the chat
 * server's own event loop group, and its members are the server's clients: closed and drained with them.
 *
 * <pre>{@code
 * WebServer web = new WebServer(config, sink, clients, held, stats, limits, tls, room);
 * Channel listening = web.bootstrap(group, NioServerSocketChannel.class)
 *         .bind(new InetSocketAddress(8080)).sync().channel();
 * }</pre>
 */
public final class WebServer {

    private final ChatServerConfig config;
    private final WebChannelInitializer initializer;

    /**
     * @param clients where each connection is added, for the server to close at shutdown
     * @param tls the TLS in front of every connection (HTTPS and WSS), or {@code null} for plain HTTP
     * @param room the chat room, or {@code null} for a receive-only server
     */
    public WebServer(ChatServerConfig config, MessageSink sink, ChannelGroup clients, HeldMessages held,
            ServerStats stats, Limits limits, TlsStage tls, ChatRoom room) {
        this.config = config;
        byte[] greeting = config.greeting().isEmpty()
                ? new byte[0] : (config.greeting() + "\n").getBytes(StandardCharsets.UTF_8);
        MessageSink wsSink = new WebSocketSink(sink);
        WebSocketStage stage = new WebSocketStage(config.maxLineLength(), stats, limits,
                () -> new TcpMessageHandler(wsSink, greeting, held, room));
        this.initializer = new WebChannelInitializer(clients, stats, limits, tls,
                new StaticFiles(config.maxLineLength(), room != null), new WebOrigins(config.webOptions().allowOrigins()), stage,
                config.idleTimeout().toMillis());
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
                        new WriteBufferWaterMark(config.relayOptions().clientBuffer() / 2, config.relayOptions().clientBuffer()))
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
