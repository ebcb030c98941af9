package org.dualchat.netty;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.netty.common.TransportType;
import org.dualchat.netty.limit.Subnet;
import org.dualchat.netty.tls.ServerTls;

/**
 * How a {@link ChatServer} listens and frames its input. Immutable; made by {@link #builder()}.
 *
 * <pre>{@code
 * ChatServerConfig config = ChatServerConfig.builder()
 *         .udpPort(0)            // any free port
 *         .tcpPort(0)
 *         .greeting("Welcome")
 *         .build();
 * }</pre>
 */
public final class ChatServerConfig {

    /** The UDP port the seeds' receiver listened on. */
    public static final int DEFAULT_UDP_PORT = 1234;
    /** The TCP port the seeds' receiver listened on. */
    public static final int DEFAULT_TCP_PORT = 2222;
    /** What a TCP client is sent on connect, as the seeds' receiver did. */
    public static final String DEFAULT_GREETING = "Server connected";
    /** The longest TCP line, in bytes, before it is delivered in pieces. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 8192;
    /** The upper bound for {@link Builder#maxLineLength}: the largest UDP payload. */
    public static final int MAX_LINE_LENGTH_LIMIT = 65_507;
    /** How long a TCP line without a newline waits for more before it is delivered. */
    public static final Duration DEFAULT_PARTIAL_LINE_TIMEOUT = Duration.ofMillis(200);
    /** The UDP receive buffer asked of the kernel (which may grant less). */
    public static final int DEFAULT_UDP_RECEIVE_BUFFER = 4 * 1024 * 1024;
    /** How long a UDP source keeps receiving relays after it last sent, with UDP relay on. */
    public static final Duration DEFAULT_UDP_RELAY_WINDOW = Duration.ofMinutes(5);
    /**
     * How many bytes of relays may wait for one slow TCP client before it misses relays: the high water
     * mark of its outbound buffer (the low one is half of it).
     */
    public static final int DEFAULT_CLIENT_BUFFER = 256 * 1024;
    /** {@link Builder#metricsPort} for no metrics endpoint, the default. */
    public static final int NO_METRICS = -1;
    /** The most TCP connections open at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;
    /** The most TCP connections open at once from one source IP. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 64;
    /**
     * How long a TCP client may send no message before it is closed: zero, never. A client that only
     * reads the room is welcome to stay; dead peers are found by {@link #DEFAULT_KEEP_ALIVE TCP keepalive}.
     */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ZERO;
    /**
     * How long a TCP connection may be silent before the kernel probes it with keepalive; a peer that
     * answers none of the probes (sent every {@code min(this, 10 s)}, {@value #KEEP_ALIVE_PROBES} of them)
     * is dead and closed, which is how a client that only reads is told from one that is gone.
     */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(60);
    /** Unanswered keepalive probes after which a peer is given up. */
    public static final int KEEP_ALIVE_PROBES = 4;
    /**
     * Messages per second per source IP, over both protocols: 0, no limit. A receiver's first duty is to
     * lose nothing a sender sends, at any speed; a limit is the operator's choice (see the README).
     */
    public static final int DEFAULT_RATE = 0;
    /** The upper bound for {@link Builder#rate}. */
    public static final int MAX_RATE = 1_000_000;
    /** The {@link #tlsPort()} that means TLS on the TCP port itself, which then takes TLS clients only. */
    public static final int TLS_ON_TCP_PORT = -1;

    private final InetAddress bindAddress;
    private final int udpPort;
    private final int tcpPort;
    private final String greeting;
    private final int maxLineLength;
    private final Duration partialLineTimeout;
    private final int udpReceiveBuffer;
    private final TransportType transport;
    private final int ioThreads;
    private final boolean relay;
    private final boolean udpRelay;
    private final Duration udpRelayWindow;
    private final int clientBuffer;
    private final int metricsPort;
    private final InetAddress metricsAddress;
    private final Duration statsInterval;
    private final int maxConnections;
    private final int maxConnectionsPerIp;
    private final Duration idleTimeout;
    private final Duration keepAlive;
    private final int rate;
    private final int burst;
    private final List<String> allow;
    private final List<String> deny;
    private final ServerTls tls;
    private final int tlsPort;

    private ChatServerConfig(Builder b) {
        this.bindAddress = b.bindAddress;
        this.udpPort = b.udpPort;
        this.tcpPort = b.tcpPort;
        this.greeting = b.greeting;
        this.maxLineLength = b.maxLineLength;
        this.partialLineTimeout = b.partialLineTimeout;
        this.udpReceiveBuffer = b.udpReceiveBuffer;
        this.transport = b.transport;
        this.ioThreads = b.ioThreads;
        this.relay = b.relay;
        this.udpRelay = b.udpRelay;
        this.udpRelayWindow = b.udpRelayWindow;
        this.clientBuffer = b.clientBuffer;
        this.metricsPort = b.metricsPort;
        this.metricsAddress = b.metricsAddress;
        this.statsInterval = b.statsInterval;
        this.maxConnections = b.maxConnections;
        this.maxConnectionsPerIp = b.maxConnectionsPerIp;
        this.idleTimeout = b.idleTimeout;
        this.keepAlive = b.keepAlive;
        this.rate = b.rate;
        this.burst = b.burst > 0 ? b.burst : Math.max(1, 2 * b.rate);
        this.allow = List.copyOf(b.allow);
        this.deny = List.copyOf(b.deny);
        this.tls = b.tls;
        this.tlsPort = b.tlsPort;
    }

    /** A builder holding the defaults: all interfaces, UDP 1234, TCP 2222. */
    public static Builder builder() {
        return new Builder();
    }

    /** The local address to listen on, or {@code null} for all interfaces, IPv4 and IPv6. */
    public InetAddress bindAddress() {
        return bindAddress;
    }

    public int udpPort() {
        return udpPort;
    }

    public int tcpPort() {
        return tcpPort;
    }

    /** The line sent to each TCP client on connect; empty for none. */
    public String greeting() {
        return greeting;
    }

    public int maxLineLength() {
        return maxLineLength;
    }

    /**
     * {@link Duration#ZERO} when a partial line waits for its newline or the end of the connection (at
     * most a minute of quiet, so that a client that stays on to read cannot hold it back forever).
     */
    public Duration partialLineTimeout() {
        return partialLineTimeout;
    }

    public int udpReceiveBuffer() {
        return udpReceiveBuffer;
    }

    public TransportType transport() {
        return transport;
    }

    /** The number of event loop threads; 0 for Netty's default (twice the cores). */
    public int ioThreads() {
        return ioThreads;
    }

    /** Whether messages are relayed to the TCP clients, with presence notices and commands; else receive-only. */
    public boolean relay() {
        return relay;
    }

    /** Whether UDP sources that sent recently receive relays as datagrams. */
    public boolean udpRelay() {
        return udpRelay;
    }

    /** How long after its last datagram a UDP source still receives relays. */
    public Duration udpRelayWindow() {
        return udpRelayWindow;
    }

    /** The most bytes of relays waiting for one TCP client before it misses relays. */
    public int clientBuffer() {
        return clientBuffer;
    }

    /** The port of the HTTP metrics endpoint ({@code /metrics}, {@code /health}); {@link #NO_METRICS} for none. */
    public int metricsPort() {
        return metricsPort;
    }

    /** The address the metrics endpoint listens on; {@code null} for the loopback address. */
    public InetAddress metricsAddress() {
        return metricsAddress;
    }

    /** How often to log a summary of the counts while they change; {@link Duration#ZERO} for never. */
    public Duration statsInterval() {
        return statsInterval;
    }

    /** The most TCP connections open at once; one more is told the server is full and closed. */
    public int maxConnections() {
        return maxConnections;
    }

    /** The most TCP connections open at once from one source IP. */
    public int maxConnectionsPerIp() {
        return maxConnectionsPerIp;
    }

    /** How long a TCP client may send no message before it is closed; {@link Duration#ZERO} for never. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** How long a TCP connection is silent before keepalive probes start; {@link Duration#ZERO} for no keepalive. */
    public Duration keepAlive() {
        return keepAlive;
    }

    /** Messages per second per source IP, over both protocols; 0 for no limit. */
    public int rate() {
        return rate;
    }

    /** Messages a source may send at once, after a quiet spell, before its rate applies. */
    public int burst() {
        return burst;
    }

    /** The blocks of source addresses let in, in CIDR notation; empty to let in all but the denied. */
    public List<String> allow() {
        return allow;
    }

    /** The blocks of source addresses kept out, in CIDR notation; they win over {@link #allow()}. */
    public List<String> deny() {
        return deny;
    }

    /** The certificate and key for TLS on TCP, or {@code null} for plain TCP only. */
    public ServerTls tls() {
        return tls;
    }

    /** The TLS port, or {@link #TLS_ON_TCP_PORT} for TLS on the TCP port itself (when {@link #tls()} is set). */
    public int tlsPort() {
        return tlsPort;
    }

    /** Builds a {@link ChatServerConfig}, checking each value as it is set. */
    public static final class Builder {

        private InetAddress bindAddress;
        private int udpPort = DEFAULT_UDP_PORT;
        private int tcpPort = DEFAULT_TCP_PORT;
        private String greeting = DEFAULT_GREETING;
        private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
        private Duration partialLineTimeout = DEFAULT_PARTIAL_LINE_TIMEOUT;
        private int udpReceiveBuffer = DEFAULT_UDP_RECEIVE_BUFFER;
        private TransportType transport = TransportType.AUTO;
        private int ioThreads;
        private boolean relay = true;
        private boolean udpRelay;
        private Duration udpRelayWindow = DEFAULT_UDP_RELAY_WINDOW;
        private int clientBuffer = DEFAULT_CLIENT_BUFFER;
        private int metricsPort = NO_METRICS;
        private InetAddress metricsAddress;
        private Duration statsInterval = Duration.ZERO;
        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerIp = DEFAULT_MAX_CONNECTIONS_PER_IP;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private Duration keepAlive = DEFAULT_KEEP_ALIVE;
        private int rate = DEFAULT_RATE;
        private int burst;
        private final List<String> allow = new ArrayList<>();
        private final List<String> deny = new ArrayList<>();
        private ServerTls tls;
        private int tlsPort = TLS_ON_TCP_PORT;

        private Builder() {}

        /** The local address to listen on; {@code null} for all interfaces. */
        public Builder bindAddress(InetAddress bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        /** The UDP port; 0 for any free port. */
        public Builder udpPort(int udpPort) {
            this.udpPort = checkPort("udpPort", udpPort);
            return this;
        }

        /** The TCP port; 0 for any free port. */
        public Builder tcpPort(int tcpPort) {
            this.tcpPort = checkPort("tcpPort", tcpPort);
            return this;
        }

        /** The line each TCP client gets on connect; empty for none. */
        public Builder greeting(String greeting) {
            requireNonNull(greeting, "greeting");
            if (greeting.indexOf('\n') >= 0 || greeting.indexOf('\r') >= 0) {
                throw new IllegalArgumentException("greeting: must be one line");
            }
            this.greeting = greeting;
            return this;
        }

        /** The longest TCP line, in bytes; a longer one is delivered in pieces of this size. */
        public Builder maxLineLength(int maxLineLength) {
            if (maxLineLength < 4 || maxLineLength > MAX_LINE_LENGTH_LIMIT) {
                throw new IllegalArgumentException(
                        "maxLineLength: " + maxLineLength + " (expected: 4-" + MAX_LINE_LENGTH_LIMIT + ")");
            }
            this.maxLineLength = maxLineLength;
            return this;
        }

        /** How long a TCP line without a newline waits for more input; zero to wait for the newline (at most a minute). */
        public Builder partialLineTimeout(Duration partialLineTimeout) {
            requireNonNull(partialLineTimeout, "partialLineTimeout");
            if (partialLineTimeout.isNegative()) {
                throw new IllegalArgumentException(
                        "partialLineTimeout: " + partialLineTimeout + " (expected: >= 0)");
            }
            this.partialLineTimeout = partialLineTimeout;
            return this;
        }

        /** The UDP receive buffer to ask of the kernel, in bytes. */
        public Builder udpReceiveBuffer(int udpReceiveBuffer) {
            if (udpReceiveBuffer < 1024) {
                throw new IllegalArgumentException(
                        "udpReceiveBuffer: " + udpReceiveBuffer + " (expected: >= 1024)");
            }
            this.udpReceiveBuffer = udpReceiveBuffer;
            return this;
        }

        public Builder transport(TransportType transport) {
            this.transport = requireNonNull(transport, "transport");
            return this;
        }

        /** The number of event loop threads; 0 for Netty's default. */
        public Builder ioThreads(int ioThreads) {
            if (ioThreads < 0) {
                throw new IllegalArgumentException("ioThreads: " + ioThreads + " (expected: >= 0)");
            }
            this.ioThreads = ioThreads;
            return this;
        }

        /** Relay each message to the other TCP clients (the default); {@code false} for receive-only. */
        public Builder relay(boolean relay) {
            this.relay = relay;
            return this;
        }

        /** The port of the HTTP metrics endpoint; 0 for any free port, {@link #NO_METRICS} for none. */
        public Builder metricsPort(int metricsPort) {
            if (metricsPort != NO_METRICS) {
                checkPort("metricsPort", metricsPort);
            }
            this.metricsPort = metricsPort;
            return this;
        }

        /** The most TCP connections open at once. */
        public Builder maxConnections(int maxConnections) {
            if (maxConnections < 1) {
                throw new IllegalArgumentException("maxConnections: " + maxConnections + " (expected: >= 1)");
            }
            this.maxConnections = maxConnections;
            return this;
        }

        /** The most TCP connections open at once from one source IP. */
        public Builder maxConnectionsPerIp(int maxConnectionsPerIp) {
            if (maxConnectionsPerIp < 1) {
                throw new IllegalArgumentException(
                        "maxConnectionsPerIp: " + maxConnectionsPerIp + " (expected: >= 1)");
            }
            this.maxConnectionsPerIp = maxConnectionsPerIp;
            return this;
        }

        /** How long a TCP client may send no message before it is closed; zero for never. */
        public Builder idleTimeout(Duration idleTimeout) {
            requireNonNull(idleTimeout, "idleTimeout");
            if (idleTimeout.isNegative()) {
                throw new IllegalArgumentException("idleTimeout: " + idleTimeout + " (expected: >= 0)");
            }
            this.idleTimeout = idleTimeout;
            return this;
        }

        /** How long a TCP connection is silent before keepalive probes start, in whole seconds; zero for none. */
        public Builder keepAlive(Duration keepAlive) {
            requireNonNull(keepAlive, "keepAlive");
            if (keepAlive.isNegative() || keepAlive.compareTo(Duration.ofSeconds(32767)) > 0
                    || keepAlive.toNanos() % 1_000_000_000L != 0) {
                throw new IllegalArgumentException(
                        "keepAlive: " + keepAlive + " (expected: whole seconds, 0-32767)");
            }
            this.keepAlive = keepAlive;
            return this;
        }

        /** Messages per second per source IP, over both protocols; 0 for no limit. */
        public Builder rate(int rate) {
            if (rate < 0 || rate > MAX_RATE) {
                throw new IllegalArgumentException("rate: " + rate + " (expected: 0-" + MAX_RATE + ")");
            }
            this.rate = rate;
            return this;
        }

        /** Messages a source may send at once after a quiet spell; if not set, twice the rate. */
        public Builder burst(int burst) {
            if (burst < 1) {
                throw new IllegalArgumentException("burst: " + burst + " (expected: >= 1)");
            }
            this.burst = burst;
            return this;
        }

        /**
         * Relay to UDP sources too. Off by default: answering unverified source addresses would let
         * spoofed datagrams turn the server into an amplifier.
         */
        public Builder udpRelay(boolean udpRelay) {
            this.udpRelay = udpRelay;
            return this;
        }

        /** How long after its last datagram a UDP source still receives relays. */
        public Builder udpRelayWindow(Duration udpRelayWindow) {
            requireNonNull(udpRelayWindow, "udpRelayWindow");
            if (udpRelayWindow.isNegative() || udpRelayWindow.isZero()) {
                throw new IllegalArgumentException("udpRelayWindow: " + udpRelayWindow + " (expected: > 0)");
            }
            this.udpRelayWindow = udpRelayWindow;
            return this;
        }

        /** The most bytes of relays waiting for one TCP client before it misses relays. */
        public Builder clientBuffer(int clientBuffer) {
            if (clientBuffer < 1024) {
                throw new IllegalArgumentException("clientBuffer: " + clientBuffer + " (expected: >= 1024)");
            }
            this.clientBuffer = clientBuffer;
            return this;
        }

        /**
         * The address the metrics endpoint listens on; {@code null} (the default) for the loopback address,
         * so that exposing the server's counts to the network is a choice, not an accident.
         */
        public Builder metricsAddress(InetAddress metricsAddress) {
            this.metricsAddress = metricsAddress;
            return this;
        }

        /** How often to log a one-line summary of the counts while they change; zero for never. */
        public Builder statsInterval(Duration statsInterval) {
            requireNonNull(statsInterval, "statsInterval");
            if (statsInterval.isNegative()) {
                throw new IllegalArgumentException("statsInterval: " + statsInterval + " (expected: >= 0)");
            }
            this.statsInterval = statsInterval;
            return this;
        }

        /**
         * Lets in sources in {@code cidr} ({@code 192.0.2.0/24}, {@code 2001:db8::/32}, or one address);
         * once any block is allowed, only allowed sources are let in. Repeatable.
         */
        public Builder allow(String cidr) {
            allow.add(checkCidr("allow", cidr));
            return this;
        }

        /** Keeps out sources in {@code cidr}, even if they are also allowed. Repeatable. */
        public Builder deny(String cidr) {
            deny.add(checkCidr("deny", cidr));
            return this;
        }

        /**
         * Serves TLS with {@code tls}: on the TCP port, which then takes TLS clients only, or with
         * {@link #tlsPort} on a port of its own; {@code null} for plain TCP only.
         */
        public Builder tls(ServerTls tls) {
            this.tls = tls;
            return this;
        }

        /** A TLS port besides the plain TCP port; 0 for any free port; {@link #TLS_ON_TCP_PORT} for none. */
        public Builder tlsPort(int tlsPort) {
            this.tlsPort = tlsPort == TLS_ON_TCP_PORT ? tlsPort : checkPort("tlsPort", tlsPort);
            return this;
        }

        public ChatServerConfig build() {
            if (tlsPort != TLS_ON_TCP_PORT && tls == null) {
                throw new IllegalArgumentException("tlsPort: " + tlsPort + " (expected: with tls)");
            }
            if (tlsPort != TLS_ON_TCP_PORT && tlsPort != 0 && tlsPort == tcpPort) {
                throw new IllegalArgumentException("tlsPort: " + tlsPort + " (expected: other than tcpPort)");
            }
            return new ChatServerConfig(this);
        }

        private static String checkCidr(String name, String cidr) {
            requireNonNull(cidr, name);
            try {
                return Subnet.parse(cidr).toString();
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
        }

        private static int checkPort(String name, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + ": " + port + " (expected: 0-65535)");
            }
            return port;
        }
    }
}
