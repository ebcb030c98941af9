package org.dualchat.netty;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.Bootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.common.HeldMessages;
import org.dualchat.netty.common.Transport;
import org.dualchat.netty.limit.DropCounter;
import org.dualchat.netty.limit.Limits;
import org.dualchat.netty.metrics.MetricsServer;
import org.dualchat.netty.room.RecentSources;
import org.dualchat.netty.room.Room;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.stats.StatsReporter;
import org.dualchat.netty.tls.HandshakeFailures;
import org.dualchat.netty.tls.ServerTls;
import org.dualchat.netty.tls.TlsStage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dualchat server: one UDP port and one TCP port on one shared event loop group, both feeding one
 * {@link MessageSink}; optionally TLS for TCP, on the TCP port or a port of its own ({@link ServerTls}).
 *
 * <pre>{@code
 * ChatServerConfig config = ChatServerConfig.builder().udpPort(0).tcpPort(0).build();
 * try (ChatServer server = new ChatServer(config, new PrintingSink(System.out, MessageFormat.PLAIN))) {
 *     server.start();
 *     System.err.println("TCP on " + server.tcpAddress().getPort());
 *     ...
 * } // close() stops listening, prints every message already received, then stops
 * }</pre>
 *
 * <p>Shutdown runs in this order, so that nothing the server has accepted is lost:
 * <ol>
 *   <li>close the listening UDP, TCP and TLS channels, and the metrics endpoint: nothing new comes in;</li>
 *   <li>close the TCP clients, and let the event loops run what that queued: each client delivers
 *       its last partial line;</li>
 *   <li>wait for the lines that TCP handlers held back while the sink was full;</li>
 *   <li>close the sink, which prints everything it accepted, and log the final counts;</li>
 *   <li>shut the event loop group down.</li>
 * </ol>
 */
public final class ChatServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ChatServer.class);

    private static final int ACCEPT_BACKLOG = 1024;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);

    private final ChatServerConfig config;
    private final MessageSink sink;
    private final HeldMessages held = new HeldMessages();
    private final ServerStats stats = new ServerStats();
    private final DropCounter udpDrops = new DropCounter(
            "UDP messages because the output queue was full", stats, ServerStats.Drop.QUEUE_FULL);
    private final StatsReporter statsReporter;
    private final Room room;
    private final Limits limits;
    private final HandshakeFailures tlsFailures = new HandshakeFailures(stats);

    private EventLoopGroup group;
    private ChannelGroup clients;
    private Channel udpChannel;
    private Channel tcpChannel;
    private MetricsServer metrics;
    private Channel metricsChannel;
    private Channel tlsChannel;
    private ScheduledFuture<?> dropReports;
    private ScheduledFuture<?> udpExpiry;
    private ScheduledFuture<?> statsReports;
    private boolean started;
    private boolean serving;
    private boolean closed;

    /**
     * A server that will listen as {@code config} says and deliver to {@code sink}. The server owns
     * the sink from now on and closes it in {@link #close()}.
     */
    public ChatServer(ChatServerConfig config, MessageSink sink) {
        this.config = requireNonNull(config, "config");
        this.sink = requireNonNull(sink, "sink");
        this.room = !config.relay() ? null : new Room(stats,
                config.udpRelay() ? new RecentSources(config.udpRelayWindow().toNanos()) : null);
        if (room != null) {
            room.logLeavesThrough(sink::afterPrinted);
        }
        this.statsReporter = new StatsReporter(stats, config.statsInterval());
        this.limits = new Limits(config, stats);
    }

    /**
     * Binds both ports and starts serving.
     *
     * @throws IOException if a port cannot be bound; the message names the protocol, the address and the
     *     reason, for example {@code TCP [::]:2222: Address already in use}
     * @throws IllegalStateException if the server was started before, or the transport is not available
     */
    public synchronized void start() throws IOException {
        if (started) {
            throw new IllegalStateException("already started");
        }
        started = true;
        Transport transport = Transport.of(config.transport());
        group = new MultiThreadIoEventLoopGroup(config.ioThreads(), transport.ioHandlerFactory());
        clients = new DefaultChannelGroup("dualchat-tcp-clients", GlobalEventExecutor.INSTANCE);
        try {
            InetAddress host = config.bindAddress() != null ? config.bindAddress() : wildcard();
            udpChannel = bind("UDP", udpBootstrap(transport), new InetSocketAddress(host, config.udpPort()));
            TlsStage tls = new TlsStage(config.tls(), tlsFailures);
            boolean tlsPort = config.tlsPort() != ChatServerConfig.TLS_ON_TCP_PORT;
            // With a certificate and a TLS port, the plain TCP port takes TLS too (told by the first bytes);
            // without a TLS port, the TCP port takes TLS only, as the operator asked.
            tcpChannel = bind("TCP", tcpBootstrap(transport, tls, config.tls() != null && !tlsPort),
                    new InetSocketAddress(host, config.tcpPort()));
            if (config.tls() != null && tlsPort) {
                tlsChannel = bind("TLS", tcpBootstrap(transport, tls, true),
                        new InetSocketAddress(host, config.tlsPort()));
            }
            if (config.metricsPort() != ChatServerConfig.NO_METRICS) {
                metrics = new MetricsServer(stats);
                InetAddress metricsHost = config.metricsAddress() != null
                        ? config.metricsAddress() : InetAddress.getLoopbackAddress();
                metricsChannel = bind("metrics HTTP", metrics.bootstrap(group, transport.serverChannel()),
                        new InetSocketAddress(metricsHost, config.metricsPort()));
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        serving = true;
        checkReceiveBuffer();
        dropReports = group.next().scheduleAtFixedRate(this::report, 1, 1, TimeUnit.SECONDS);
        if (room != null) {
            room.udpChannel(udpChannel);
            if (room.udpSources() != null) {
                udpExpiry = group.next().scheduleAtFixedRate(room.udpSources()::expire, 1, 1, TimeUnit.MINUTES);
            }
        }
        limits.start(group);
        logger.info("Listening on UDP {} and TCP {} ({} transport)",
                Addresses.withPort(udpAddress()), Addresses.withPort(tcpAddress()), transport.name());
        if (metricsChannel != null) {
            logger.info("Metrics on http://{}/metrics and /health", Addresses.withPort(metricsAddress()));
        }
        if (config.tls() != null) {
            logger.info("TLS on TCP {}{}, certificate \"{}\"{}, SHA-256 fingerprint {}", Addresses.withPort(tlsAddress()),
                    tlsChannel == null ? " (this port takes TLS clients only)"
                            : " (the plain TCP port takes TLS clients too)",
                    config.tls().certificate().getSubjectX500Principal().getName(),
                    config.tls().isSelfSigned() ? " (self-signed)" : "", config.tls().fingerprint());
        }
        long interval = config.statsInterval().toMillis();
        if (interval > 0) {
            statsReports = group.next().scheduleAtFixedRate(
                    statsReporter::reportIfChanged, interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    /** The UDP address actually bound: with port 0 in the config, the port the system chose. */
    public InetSocketAddress udpAddress() {
        return (InetSocketAddress) boundChannel(udpChannel).localAddress();
    }

    /** The TCP address actually bound: with port 0 in the config, the port the system chose. */
    public InetSocketAddress tcpAddress() {
        return (InetSocketAddress) boundChannel(tcpChannel).localAddress();
    }

    /** The metrics endpoint's address actually bound; {@code null} if the config asks for none. */
    public InetSocketAddress metricsAddress() {
        boundChannel(udpChannel);
        return metricsChannel == null ? null : (InetSocketAddress) metricsChannel.localAddress();
    }

    /**
     * The address TLS clients connect to: the TCP address itself, or the TLS port's with
     * {@link ChatServerConfig.Builder#tlsPort}.
     *
     * @throws IllegalStateException if the server has no TLS, or is not started
     */
    public InetSocketAddress tlsAddress() {
        if (config.tls() == null) {
            throw new IllegalStateException("no TLS configured");
        }
        return tlsChannel != null ? (InetSocketAddress) tlsChannel.localAddress() : tcpAddress();
    }

    /** UDP messages dropped so far because the sink was full. */
    public long udpDropped() {
        return udpDrops.total();
    }

    /**
     * Says {@code text} as the server's console: printed as {@code server : text} and relayed to every
     * client. Waits while the sink is full; call it from the console's own thread, never an event loop.
     *
     * @return {@code false} if the server closed before the line could be taken
     */
    public boolean console(String text) throws InterruptedException {
        ChatMessage message = ChatMessage.fromConsole(requireNonNull(text, "text"));
        while (!sink.offer(message)) {
            synchronized (this) {
                if (closed) {
                    return false;
                }
            }
            CountDownLatch ready = new CountDownLatch(1);
            sink.whenReady(ready::countDown);
            ready.await(1, TimeUnit.SECONDS);
        }
        if (room != null) {
            room.relay(message, null, null);
        }
        return true;
    }

    /** The server's running counts; live, readable from any thread. */
    public ServerStats stats() {
        return stats;
    }

    /** The access list, connection counts and rate buckets, for tests to look into. */
    public Limits limits() {
        return limits;
    }

    /** TCP lines read but waiting for room in the sink. */
    long heldMessages() {
        return held.count();
    }

    /** Stops the server; every message it accepted is delivered to the sink first. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        closeAndWait(tcpChannel);
        closeAndWait(tlsChannel);
        closeAndWait(udpChannel);
        closeAndWait(metricsChannel);
        if (metrics != null) {
            metrics.close();
        }
        if (clients != null) {
            clients.close().awaitUninterruptibly(DRAIN_TIMEOUT.toMillis());
            // A close future completes before channelInactive runs, and channelInactive is where the
            // framer delivers the last partial line: let every event loop get through its queue first.
            awaitQueuedTasks();
        }
        try {
            if (!held.awaitNone(DRAIN_TIMEOUT)) {
                logger.warn("{} TCP messages could not be delivered within {} s",
                        held.count(), DRAIN_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (dropReports != null) {
            dropReports.cancel(false);
        }
        if (udpExpiry != null) {
            udpExpiry.cancel(false);
        }
        if (statsReports != null) {
            statsReports.cancel(false);
        }
        report();
        limits.stop();
        sink.close();
        if (serving) {
            statsReporter.reportFinal();
        }
        if (group != null) {
            group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
        }
        logger.debug("Server stopped");
    }

    private Bootstrap udpBootstrap(Transport transport) {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, config.udpReceiveBuffer())
                .handler(new UdpChannelInitializer(sink, udpDrops, stats, limits, room));
        // Whole datagrams up to 64 KB; on epoll, several per recvmmsg call.
        return UdpReceiveOptions.apply(bootstrap, transport);
    }

    private void report() {
        udpDrops.report();
        tlsFailures.report();
    }

    /** @param tlsOnly whether this port takes TLS clients only, rather than plain ones (and TLS with a certificate) */
    private ServerBootstrap tcpBootstrap(Transport transport, TlsStage tls, boolean tlsOnly) {
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_BACKLOG, ACCEPT_BACKLOG)
                .option(ChannelOption.SO_REUSEADDR, true)
                // A client that half-closes still gets its last line printed before we close.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                // A client that reads too slowly misses relays past this, rather than growing memory.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(config.clientBuffer() / 2, config.clientBuffer()))
                .childHandler(new TcpChannelInitializer(config, sink, clients, held, stats, limits, tls, tlsOnly, room));
        // A client that only reads is never idle to us; one that is gone is found by keepalive.
        return TcpKeepAlive.apply(bootstrap, transport, config.keepAlive());
    }

    private void awaitQueuedTasks() {
        for (EventExecutor loop : group) {
            loop.submit(() -> { }).awaitUninterruptibly(DRAIN_TIMEOUT.toMillis());
        }
    }

    /** A small UDP receive buffer is the first cause of lost datagrams under load: say so at start. */
    private void checkReceiveBuffer() {
        Integer granted = udpChannel.config().getOption(ChannelOption.SO_RCVBUF);
        // Linux reports twice what was set, for its own bookkeeping, and caps it at net.core.rmem_max.
        if (granted != null && granted < config.udpReceiveBuffer()) {
            logger.info("UDP receive buffer is {} bytes, less than the {} asked for; "
                    + "raise net.core.rmem_max to let bursts through", granted, config.udpReceiveBuffer());
        }
    }

    private static Channel bind(String protocol, AbstractBootstrap<?, ?> bootstrap,
            InetSocketAddress address) throws IOException {
        ChannelFuture future = bootstrap.bind(address).awaitUninterruptibly();
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            throw new IOException(protocol + " " + Addresses.withPort(address) + ": " + reason(cause), cause);
        }
        return future.channel();
    }

    /**
     * The IPv6 wildcard where the host has IPv6, so one socket takes both families; the IPv4 wildcard
     * otherwise. ({@code new InetSocketAddress(port)} would give 0.0.0.0, which shuts IPv6 out.)
     */
    private static InetAddress wildcard() throws UnknownHostException {
        if (!NetUtil.isIpV4StackPreferred() && hasIpv6()) {
            return InetAddress.getByName("::");
        }
        return InetAddress.getByName("0.0.0.0");
    }

    private static boolean hasIpv6() {
        try {
            return NetworkInterface.networkInterfaces()
                    .flatMap(NetworkInterface::inetAddresses)
                    .anyMatch(a -> a instanceof Inet6Address);
        } catch (SocketException e) {
            return false;
        }
    }

    private static void closeAndWait(Channel channel) {
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
    }

    private static Channel boundChannel(Channel channel) {
        if (channel == null) {
            throw new IllegalStateException("not started");
        }
        return channel;
    }

    private static String reason(Throwable cause) {
        String message = cause.getMessage();
        if (message == null) {
            return cause.getClass().getSimpleName();
        }
        // Epoll says "bind(..) failed: Address already in use"; NIO says "Address already in use".
        int colon = message.lastIndexOf(": ");
        return message.startsWith("bind(") && colon >= 0 ? message.substring(colon + 2) : message;
    }
}
