package org.dualchat.netty;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Duration;

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

    /** {@link Duration#ZERO} when a partial line waits for its newline or the end of the connection. */
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

        /** How long a TCP line without a newline waits for more input; zero to wait for the newline. */
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

        private static int checkPort(String name, int port) {
            if (port < 0 || port > 65535) {
                throw new IllegalArgumentException(name + ": " + port + " (expected: 0-65535)");
            }
            return port;
        }
    }
}
