package org.dualchat.netty;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.AbstractBootstrap;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.AdaptiveRecvByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.NetUtil;
import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.GlobalEventExecutor;
import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.NetworkInterface;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.common.HeldMessages;
import org.dualchat.netty.common.Reasons;
import org.dualchat.netty.common.Transport;
import org.dualchat.netty.limit.Limits;
import org.dualchat.netty.metrics.MetricsServer;
import org.dualchat.netty.metrics.ObservabilityOptions;
import org.dualchat.netty.room.ChatRoom;
import org.dualchat.netty.room.LocalRoom;
import org.dualchat.netty.room.RecentSources;
import org.dualchat.netty.room.RelayOptions;
import org.dualchat.netty.shutdown.GracefulStop;
import org.dualchat.netty.stats.ReportTimer;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.stats.StatsReporter;
import org.dualchat.netty.stats.StatsView;
import org.dualchat.netty.tls.HandshakeFailures;
import org.dualchat.netty.tls.ServerTls;
import org.dualchat.netty.tls.TlsOptions;
import org.dualchat.netty.tls.TlsStage;
import org.dualchat.netty.web.WebOptions;
import org.dualchat.netty.web.WebServer;
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
 *   <li>let every socket of the TCP, TLS and chat page ports accept the connections the kernel has queued for
 *       it ({@link GracefulStop#acceptQueued}), then close them and the metrics endpoint: no new connection
 *       comes in;</li>
 *   <li>within the shutdown grace ({@link GracefulStop}), read each TCP and WebSocket client until it has been
 *       quiet for a moment or has ended, then tell it {@code * server shutting down} and close it; read the UDP
 *       socket until it is quiet, then close it: what clients sent before the stop, and the kernel holds, is
 *       read;</li>
 *   <li>let the event loops run what the closes queued: each client delivers its last partial line;</li>
 *   <li>wait for the lines that TCP handlers held back while the sink was full;</li>
 *   <li>close the sink, which prints everything it accepted, and log the final counts;</li>
 *   <li>shut the event loop group down.</li>
 * </ol>
 */
public final class ChatServer implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(ChatServer.class);

    /**
     * Connections the kernel may hold completed for the server before it accepts them: the system's own limit
     * ({@code net.core.somaxconn}, which caps whatever is asked; 4096 on current kernels), as Netty and most
     * servers take it. A crowd arriving while the event loop is busy waits there; past it the kernel drops
     * each further SYN, and that client connects only at its retry, a second later (1,024 before: 842 of a
     * burst of 10,000 idle clients waited for that retry). A port whose connection limit is larger is bound by
     * several sockets, each with a queue this deep ({@link ListeningPort}).
     */
    static final int ACCEPT_BACKLOG = NetUtil.SOMAXCONN;
    private static final Duration DRAIN_TIMEOUT = Duration.ofSeconds(10);
    /**
     * The most one read from a TCP client takes (Netty's default is 64 KB). While the sink is full, a client's
     * reading pauses and the lines of its last read wait, decoded, on the heap: at most 16 KB of them (about 250
     * lines of 64 bytes, some 35 KB of objects) rather than four times that. With 100 senders paused at once,
     * about 3.5 MB instead of 14 MB of objects outlive the young collections and are promoted to the old
     * generation (docs/performance.md, "Latest round").
     */
    static final int MAX_TCP_READ = 16 * 1024;
    private static final int MIN_TCP_READ = 64;
    private static final int FIRST_TCP_READ = 2048;

    private final ChatServerConfig config;
    private final MessageSink sink;
    private final HeldMessages held = new HeldMessages();
    private final ServerStats stats = new ServerStats();
    private final StatsReporter statsReporter;
    private final ChatRoom room;
    private final Limits limits;
    private final HandshakeFailures tlsFailures = new HandshakeFailures(stats);
    private final ReportTimer timer = new ReportTimer();
    private final GracefulStop stop;

    private EventLoopGroup group;
    private ChannelGroup clients;
    private Channel udpChannel;
    private final UdpListener udp;
    private ListeningPort tcpListener;
    private MetricsServer metrics;
    private Channel metricsChannel;
    private ListeningPort tlsListener;
    private ListeningPort httpListener;
    private int acceptBacklog = ACCEPT_BACKLOG;
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
        RelayOptions relay = config.relayOptions();
        this.room = !relay.relay() ? null : relay.roomFactory().create(new LocalRoom(stats, relay.relayBudget(),
                relay.udpRelay() ? new RecentSources(relay.udpRelayWindow().toNanos()) : null, relay.history(),
                relay), stats,
                sink);
        this.statsReporter = new StatsReporter(stats.view(), config.observabilityOptions().statsInterval());
        this.limits = new Limits(config.limitOptions(), stats);
        this.stop = new GracefulStop(config.listenOptions().shutdownGrace());
        this.udp = new UdpListener(config.listenOptions(), stats);
        if (room != null) {
            room.logLeavesThrough(sink::afterPrinted);
        }
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
        ListenOptions listen = config.listenOptions();
        Transport transport = Transport.of(listen.transport());
        group = new MultiThreadIoEventLoopGroup(
                Transport.serverThreads(listen.ioThreads(), Runtime.getRuntime().availableProcessors()),
                transport.ioHandlerFactory());
        clients = new DefaultChannelGroup("dualchat-tcp-clients", GlobalEventExecutor.INSTANCE);
        try {
            if (room != null) {
                room.start();
            }
            InetAddress bindAddress = listen.bindAddress();
            InetAddress host = bindAddress != null ? bindAddress : wildcard();
            udpChannel = udp.bind(group, transport, new UdpChannelInitializer(sink, udp.drops(), stats, limits, room),
                    sink, new InetSocketAddress(host, listen.udpPort()), room != null);
            ServerTls serverTls = config.tls();
            TlsStage tls = new TlsStage(serverTls, tlsFailures);
            OptionalInt tlsPort = config.tlsOptions().port();
            // With a certificate and a TLS port, the plain TCP port takes TLS too (told by the first bytes);
            // without a TLS port, the TCP port takes TLS only, as the operator asked.
            tcpListener = listen("TCP", tcpBootstrap(transport, tls, serverTls != null && tlsPort.isEmpty()),
                    new InetSocketAddress(host, listen.tcpPort()), transport);
            if (serverTls != null && tlsPort.isPresent()) {
                tlsListener = listen("TLS", tcpBootstrap(transport, tls, true),
                        new InetSocketAddress(host, tlsPort.getAsInt()), transport);
            }
            ObservabilityOptions observability = config.observabilityOptions();
            if (observability.metricsPort().isPresent()) {
                metrics = new MetricsServer(stats.view());
                InetAddress metricsHost = observability.metricsAddress() != null
                        ? observability.metricsAddress() : InetAddress.getLoopbackAddress();
                metricsChannel = bind("metrics HTTP", metrics.bootstrap(group, transport.serverChannel()),
                        new InetSocketAddress(metricsHost, observability.metricsPort().getAsInt()));
            }
            WebOptions webOptions = config.webOptions();
            if (webOptions.port().isPresent()) {
                byte[] greeting = TcpChannelInitializer.greetingBytes(config.framingOptions());
                WebServer web = new WebServer(webOptions, config.maxLineLength(), config.relayOptions().clientBuffer(),
                        config.limitOptions().idleTimeout(), sink, clients, stats, limits,
                        serverTls == null ? null : tls, room != null,
                        wsSink -> new TcpMessageHandler(wsSink, greeting, held, room));
                InetAddress webHost = webOptions.bindAddress() != null ? webOptions.bindAddress() : host;
                httpListener = listen(serverTls == null ? "HTTP" : "HTTPS",
                        limitUnsent(web.bootstrap(group, transport.serverChannel()), transport),
                        new InetSocketAddress(webHost, webOptions.port().getAsInt()), transport);
            }
        } catch (IOException | RuntimeException e) {
            close();
            throw e;
        }
        serving = true;
        udp.serving();
        if (room != null) {
            room.udpChannel(udpChannel);
        }
        limits.start(tcpListener.acceptQueue());
        startTimer();
        logger.info("Listening on UDP {} and TCP {} ({} transport)",
                Addresses.withPort(udpAddress()), Addresses.withPort(tcpAddress()), transport.name());
        if (tcpListener.sockets().size() > 1) {
            logger.info("TCP {} is bound by {} sockets (SO_REUSEPORT): their accept queues hold {} connections "
                    + "arriving at once, for a limit of {}", Addresses.withPort(tcpAddress()),
                    tcpListener.sockets().size(), tcpListener.acceptQueue(), config.maxConnections());
        }
        int notSentLowat = listen.tcpNotSentLowat();
        if (!transport.isEpoll() && notSentLowat != 0 && notSentLowat != ListenOptions.DEFAULT_TCP_NOTSENT_LOWAT) {
            logger.warn("TCP_NOTSENT_LOWAT {} not set: the {} transport has no such option", notSentLowat,
                    transport.name());
        }
        if (metricsChannel != null) {
            logger.info("Metrics on http://{}/metrics and /health", Addresses.withPort(metricsAddress()));
        }
        ServerTls serverTls = config.tls();
        if (httpListener != null) {
            logger.info("Chat page on {} (WebSocket at /ws)", WebServer.url(httpAddress(), serverTls != null));
        }
        if (serverTls != null) {
            logger.info("TLS on TCP {}{}, certificate \"{}\"{}, SHA-256 fingerprint {}", Addresses.withPort(tlsAddress()),
                    tlsListener == null ? " (this port takes TLS clients only)"
                            : " (the plain TCP port takes TLS clients too)",
                    serverTls.certificate().getSubjectX500Principal().getName(),
                    serverTls.isSelfSigned() ? " (self-signed)" : "", serverTls.fingerprint());
        }
    }

    /** Every periodic report and clean-up, on one timer: one scheduled task on one event loop. */
    private void startTimer() {
        timer.every(Duration.ofSeconds(1), this::report);
        timer.every(Duration.ofSeconds(1), limits::tick);
        timer.every(config.observabilityOptions().statsInterval(), statsReporter::reportIfChanged);
        if (room != null && room.udpSources() != null) {
            timer.every(Duration.ofMinutes(1), room.udpSources()::expire);
        }
        timer.start(group.next());
    }

    /** The UDP address actually bound: with port 0 in the config, the port the system chose. */
    public InetSocketAddress udpAddress() {
        return (InetSocketAddress) bound(udpChannel).localAddress();
    }

    /** The TCP address actually bound: with port 0 in the config, the port the system chose. */
    public InetSocketAddress tcpAddress() {
        return bound(tcpListener).localAddress();
    }

    /** The metrics endpoint's address actually bound; {@code null} if the config asks for none. */
    public InetSocketAddress metricsAddress() {
        bound(udpChannel);
        return metricsChannel == null ? null : (InetSocketAddress) metricsChannel.localAddress();
    }

    /** The chat page's address actually bound; {@code null} if the config asks for none. */
    public InetSocketAddress httpAddress() {
        bound(udpChannel);
        return httpListener == null ? null : httpListener.localAddress();
    }

    /**
     * The address TLS clients connect to: the TCP address itself, or the TLS port's with
     * {@link TlsOptions.Builder#port}.
     *
     * @throws IllegalStateException if the server has no TLS, or is not started
     */
    public InetSocketAddress tlsAddress() {
        if (config.tls() == null) {
            throw new IllegalStateException("no TLS configured");
        }
        return tlsListener != null ? tlsListener.localAddress() : tcpAddress();
    }

    /** The plain TCP port's listening sockets, for tests that pause their accepts. */
    List<Channel> tcpSockets() {
        return bound(tcpListener).sockets();
    }

    /** A shallower accept queue for each listening socket than the system's, for tests; before {@link #start()}. */
    synchronized void acceptBacklog(int backlog) {
        if (started) {
            throw new IllegalStateException("already started");
        }
        this.acceptBacklog = backlog;
    }

    /** The UDP channel, for tests that pause its reads. */
    Channel udpChannel() {
        return bound(udpChannel);
    }

    /** UDP messages dropped so far because the sink was full. */
    public long udpDropped() {
        return udp.drops().total();
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

    /** What this server was told: its option groups, immutable. */
    public ChatServerConfig config() {
        return config;
    }

    /** The server's running counts, read-only; live, readable from any thread. */
    public StatsView stats() {
        return stats.view();
    }

    /** The access list, connection counts and rate buckets, for tests to look into. */
    public Limits limits() {
        return limits;
    }

    /** The room, or {@code null} for a receive-only server; for tests. */
    ChatRoom room() {
        return room;
    }

    /** TCP lines read but waiting for room in the sink. */
    long heldMessages() {
        return held.count();
    }

    /**
     * Stops the server: stops accepting, reads what clients sent before the stop (within the shutdown grace),
     * delivers every message accepted to the sink, closes it. Idempotent; blocks, so never on an event loop.
     */
    @Override
    public synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            // The TCP, TLS and chat page ports bound so far.
            List<ListeningPort> ports = Stream.of(tcpListener, tlsListener, httpListener)
                    .filter(Objects::nonNull).toList();
            if (serving) {
                stop.acceptQueued(ports.stream().flatMap(port -> port.sockets().stream()).toList(),
                        () -> ports.stream().mapToLong(ListeningPort::accepted).sum(),
                        ports.stream().mapToLong(ListeningPort::queued).sum(), group);
            }
            ports.forEach(ListeningPort::close);
            closeAndWait(metricsChannel);
            if (metrics != null) {
                metrics.close();
            }
            if (clients != null) {
                // Connections accepted before the listeners closed are registered, and admitted or refused.
                awaitQueuedTasks();
                stop.drain(clients, serving ? udpChannel : null, Limits::isRefused);
                clients.close().awaitUninterruptibly(DRAIN_TIMEOUT.toMillis());
                // A close future completes before channelInactive runs, and channelInactive is where the
                // framer delivers the last partial line: let every event loop get through its queue first.
                awaitQueuedTasks();
            }
            udp.close();
            if (!held.awaitNone(DRAIN_TIMEOUT)) {
                logger.warn("{} TCP messages could not be delivered within {} s",
                        held.count(), DRAIN_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.stop();
        if (room != null) {
            room.close();
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

    /**
     * Cuts the shutdown grace short, from any thread: a {@link #close()} under way, or the next one, closes
     * every connection at once, still printing every message already accepted. Returns at once.
     */
    public void closeNow() {
        stop.abort();
    }

    private void report() {
        udp.drops().report();
        tlsFailures.report();
    }

    /** @param tlsOnly whether this port takes TLS clients only, rather than plain ones (and TLS with a certificate) */
    private ServerBootstrap tcpBootstrap(Transport transport, TlsStage tls, boolean tlsOnly) {
        int clientBuffer = config.relayOptions().clientBuffer();
        ServerBootstrap bootstrap = new ServerBootstrap()
                .group(group)
                .channel(transport.serverChannel())
                .option(ChannelOption.SO_REUSEADDR, true)
                // A client that half-closes still gets its last line printed before we close.
                .childOption(ChannelOption.ALLOW_HALF_CLOSURE, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.RCVBUF_ALLOCATOR,
                        new AdaptiveRecvByteBufAllocator(MIN_TCP_READ, FIRST_TCP_READ, MAX_TCP_READ))
                // A client that reads too slowly misses relays past this, rather than growing memory.
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK,
                        new WriteBufferWaterMark(clientBuffer / 2, clientBuffer))
                .childHandler(new TcpChannelInitializer(
                        config.framingOptions(), sink, clients, held, stats, limits, tls, tlsOnly, room));
        int sendBuffer = config.listenOptions().tcpSendBuffer();
        if (sendBuffer > 0) {
            bootstrap.childOption(ChannelOption.SO_SNDBUF, sendBuffer);
        }
        limitUnsent(bootstrap, transport);
        // A client that only reads is never idle to us; one that is gone is found by keepalive.
        return TcpKeepAlive.apply(bootstrap, transport, config.listenOptions().keepAlive());
    }

    /**
     * A member that stops reading is seen as slow after this much unsent, not after the megabytes the kernel
     * would otherwise grow its send buffer to ({@link ListenOptions#DEFAULT_TCP_NOTSENT_LOWAT}).
     */
    private ServerBootstrap limitUnsent(ServerBootstrap bootstrap, Transport transport) {
        int notSentLowat = config.listenOptions().tcpNotSentLowat();
        if (notSentLowat > 0 && transport.isEpoll()) {
            bootstrap.childOption(EpollChannelOption.TCP_NOTSENT_LOWAT, (long) notSentLowat);
        }
        return bootstrap;
    }

    /**
     * Binds a TCP port for clients, by one socket or by enough to queue a crowd of {@code --max-connections}
     * arriving at once ({@link ListeningPort}).
     */
    private ListeningPort listen(String protocol, ServerBootstrap bootstrap, InetSocketAddress address,
            Transport transport) throws IOException {
        return ListeningPort.bind(protocol, bootstrap, address, config.maxConnections(), acceptBacklog,
                transport.isEpoll());
    }

    private void awaitQueuedTasks() {
        for (EventExecutor loop : group) {
            loop.submit(() -> { }).awaitUninterruptibly(DRAIN_TIMEOUT.toMillis());
        }
    }

    /** Binds {@code address}; a failure is an {@code IOException} naming the protocol, the address, the reason. */
    static Channel bind(String protocol, AbstractBootstrap<?, ?> bootstrap,
            InetSocketAddress address) throws IOException {
        ChannelFuture future = bootstrap.bind(address).awaitUninterruptibly();
        if (!future.isSuccess()) {
            Throwable cause = future.cause();
            throw new IOException(protocol + " " + Addresses.withPort(address) + ": " + Reasons.of(cause), cause);
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

    /** A channel or port the start binds: {@code part} itself, once it is bound. */
    private static <T> T bound(T part) {
        if (part == null) {
            throw new IllegalStateException("not started");
        }
        return part;
    }
}
