package org.dualchat.netty;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.time.Duration;
import org.dualchat.netty.common.Checks;
import org.dualchat.netty.common.TransportType;
import org.jspecify.annotations.Nullable;

/**
 * Where and how a {@link ChatServer} listens: the address, the UDP and TCP ports, the Netty transport, the event
 * loop threads, the UDP receive buffer, and what the kernel holds for each TCP client (send buffer, unsent
 * bytes). Immutable; made by {@link #builder()}.
 */
public final class ListenOptions {

    /** The UDP port the seeds' receiver listened on. */
    public static final int DEFAULT_UDP_PORT = 1234;
    /** The TCP port the seeds' receiver listened on. */
    public static final int DEFAULT_TCP_PORT = 2222;
    /**
     * The UDP receive buffer asked of the kernel (which may grant less): 32 MB holds about 80,000 datagrams of
     * 64 bytes (the kernel counts about 830 bytes each on loopback), over a tenth of a second of a native
     * sender's full speed, which carries a freshly started server over its first moments. Kernel memory, used
     * only while datagrams wait; a fresh server with 4 MB lost 66-84 % of a 1,000,000-datagram burst, with
     * 32 MB 47-65 % (shared machine).
     */
    public static final int DEFAULT_UDP_RECEIVE_BUFFER = 32 * 1024 * 1024;
    /** The smallest UDP receive buffer taken. */
    public static final int MIN_UDP_RECEIVE_BUFFER = 1024;
    /** The smallest TCP send buffer taken, other than 0 for the kernel's own sizing. */
    public static final int MIN_TCP_SEND_BUFFER = 4096;
    /**
     * How many bytes the kernel may hold for a TCP client that it has not sent yet ({@code TCP_NOTSENT_LOWAT}):
     * past this, writes to the client wait (in its client buffer, then as missed relays). Without a limit Linux
     * grows the send buffer of a client that stops reading to {@code net.ipv4.tcp_wmem}'s largest, 4 MB on most
     * machines, and the room writes that much into it before it is seen to be slow. Bytes on their way (sent,
     * not yet acknowledged) are not counted, so a distant client that reads keeps the kernel's full window.
     * Half a megabyte: with 128 KiB a client that reads, behind a sender at full speed, missed relays in one
     * run of six of {@code RoomIT}'s budget test (none in six with 512 KiB); 100 clients that never read took
     * 142 MB of the kernel's TCP memory with it, 447-450 MB without, 126-127 MB with the relay off.
     */
    public static final int DEFAULT_TCP_NOTSENT_LOWAT = 512 * 1024;
    /** The smallest {@code TCP_NOTSENT_LOWAT} taken, other than 0 for the kernel's own (no limit). */
    public static final int MIN_TCP_NOTSENT_LOWAT = 4096;
    /** The transport unless told otherwise: native epoll where there is one. */
    public static final TransportType DEFAULT_TRANSPORT = TransportType.AUTO;

    /**
     * How long a stopping server keeps reading its clients and its UDP socket, so that what they sent before
     * the stop is printed: each connection until it has been quiet for a moment or has ended.
     */
    public static final int DEFAULT_SHUTDOWN_GRACE_SECONDS = 5;
    /** {@link #DEFAULT_SHUTDOWN_GRACE_SECONDS} as a duration. */
    public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(DEFAULT_SHUTDOWN_GRACE_SECONDS);
    /** The longest shutdown grace. */
    public static final Duration MAX_SHUTDOWN_GRACE = Duration.ofHours(1);

    /**
     * How long a TCP connection may be silent before the kernel probes it with keepalive, in seconds; a peer
     * that answers none of the probes (sent every {@code min(this, 10 s)}, {@value #KEEP_ALIVE_PROBES} of
     * them) is dead and closed, which is how a client that only reads is told from one that is gone.
     */
    public static final int DEFAULT_KEEP_ALIVE_SECONDS = 60;
    /** {@link #DEFAULT_KEEP_ALIVE_SECONDS} as a duration. */
    public static final Duration DEFAULT_KEEP_ALIVE = Duration.ofSeconds(DEFAULT_KEEP_ALIVE_SECONDS);
    /** The longest keepalive idle time the kernel takes. */
    public static final Duration MAX_KEEP_ALIVE = Duration.ofSeconds(32767);
    /** Unanswered keepalive probes after which a peer is given up. */
    public static final int KEEP_ALIVE_PROBES = 4;

    private static final ListenOptions DEFAULTS = builder().build();

    private final @Nullable InetAddress bindAddress;
    private final int udpPort;
    private final int tcpPort;
    private final TransportType transport;
    private final int ioThreads;
    private final int udpReceiveBuffer;
    private final int tcpSendBuffer;
    private final int tcpNotSentLowat;
    private final Duration shutdownGrace;
    private final Duration keepAlive;

    private ListenOptions(Builder b) {
        this.bindAddress = b.bindAddress;
        this.udpPort = b.udpPort;
        this.tcpPort = b.tcpPort;
        this.transport = b.transport;
        this.ioThreads = b.ioThreads;
        this.udpReceiveBuffer = b.udpReceiveBuffer;
        this.tcpSendBuffer = b.tcpSendBuffer;
        this.tcpNotSentLowat = b.tcpNotSentLowat;
        this.shutdownGrace = b.shutdownGrace;
        this.keepAlive = b.keepAlive;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** All interfaces, UDP 1234, TCP 2222. */
    public static ListenOptions defaults() {
        return DEFAULTS;
    }

    /** A builder that starts from these options. */
    public Builder mutate() {
        return new Builder().bindAddress(bindAddress).udpPort(udpPort).tcpPort(tcpPort).transport(transport)
                .ioThreads(ioThreads).udpReceiveBuffer(udpReceiveBuffer).tcpSendBuffer(tcpSendBuffer)
                .tcpNotSentLowat(tcpNotSentLowat).shutdownGrace(shutdownGrace).keepAlive(keepAlive);
    }

    /** The local address to listen on, or {@code null} for all interfaces, IPv4 and IPv6. */
    public @Nullable InetAddress bindAddress() {
        return bindAddress;
    }

    public int udpPort() {
        return udpPort;
    }

    public int tcpPort() {
        return tcpPort;
    }

    public TransportType transport() {
        return transport;
    }

    /** The number of event loop threads; 0 for the server's default (see {@link org.dualchat.netty.common.Transport#serverThreads}). */
    public int ioThreads() {
        return ioThreads;
    }

    public int udpReceiveBuffer() {
        return udpReceiveBuffer;
    }

    /** Each TCP client's kernel send buffer ({@code SO_SNDBUF}), in bytes; 0 for the kernel's own sizing. */
    public int tcpSendBuffer() {
        return tcpSendBuffer;
    }

    /**
     * The bytes the kernel may hold unsent for each TCP client ({@code TCP_NOTSENT_LOWAT}, native epoll only);
     * 0 for no limit.
     */
    public int tcpNotSentLowat() {
        return tcpNotSentLowat;
    }

    /** How long a TCP connection is silent before keepalive probes start; {@link Duration#ZERO} for no keepalive. */
    public Duration keepAlive() {
        return keepAlive;
    }

    /** How long {@link ChatServer#close()} may keep reading what clients sent before it; zero to close at once. */
    public Duration shutdownGrace() {
        return shutdownGrace;
    }

    /** Builds {@link ListenOptions}, checking each value as it is set. */
    public static final class Builder {

        private @Nullable InetAddress bindAddress;
        private int udpPort = DEFAULT_UDP_PORT;
        private int tcpPort = DEFAULT_TCP_PORT;
        private TransportType transport = DEFAULT_TRANSPORT;
        private int ioThreads;
        private int udpReceiveBuffer = DEFAULT_UDP_RECEIVE_BUFFER;
        private int tcpSendBuffer;
        private int tcpNotSentLowat = DEFAULT_TCP_NOTSENT_LOWAT;
        private Duration shutdownGrace = DEFAULT_SHUTDOWN_GRACE;
        private Duration keepAlive = DEFAULT_KEEP_ALIVE;

        private Builder() {}

        /** The local address to listen on; {@code null} for all interfaces. */
        public Builder bindAddress(@Nullable InetAddress bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        /** The UDP port; 0 for any free port. */
        public Builder udpPort(int udpPort) {
            this.udpPort = Checks.port("udpPort", udpPort);
            return this;
        }

        /** The TCP port; 0 for any free port. */
        public Builder tcpPort(int tcpPort) {
            this.tcpPort = Checks.port("tcpPort", tcpPort);
            return this;
        }

        public Builder transport(TransportType transport) {
            this.transport = requireNonNull(transport, "transport");
            return this;
        }

        /** The number of event loop threads; 0 for the server's default, one fewer than the cores (at least one). */
        public Builder ioThreads(int ioThreads) {
            this.ioThreads = Checks.atLeast("ioThreads", ioThreads, 0);
            return this;
        }

        /** The UDP receive buffer to ask of the kernel, in bytes. */
        public Builder udpReceiveBuffer(int udpReceiveBuffer) {
            this.udpReceiveBuffer = Checks.atLeast("udpReceiveBuffer", udpReceiveBuffer, MIN_UDP_RECEIVE_BUFFER);
            return this;
        }

        /**
         * Each TCP client's kernel send buffer ({@code SO_SNDBUF}), in bytes; 0 (the default) leaves it to the
         * kernel, which grows it up to {@code net.ipv4.tcp_wmem}'s largest (4 MB on most machines, more on
         * some) for a client that reads slowly. A fixed size bounds what the kernel holds for each client, beyond
         * the client buffer, and so how long a member that stopped reading takes to stop the room's relays.
         * For the TCP and TLS ports; the web server's connections keep the kernel's sizing.
         */
        public Builder tcpSendBuffer(int tcpSendBuffer) {
            Checks.zeroOrAtLeast("tcpSendBuffer", tcpSendBuffer, MIN_TCP_SEND_BUFFER, "the kernel's sizing");
            this.tcpSendBuffer = tcpSendBuffer;
            return this;
        }

        /**
         * The bytes the kernel may hold for each TCP client before sending them ({@code TCP_NOTSENT_LOWAT});
         * see {@link #DEFAULT_TCP_NOTSENT_LOWAT}. 0 leaves it to the kernel ({@code net.ipv4.tcp_notsent_lowat},
         * no limit unless set). Set with the native epoll transport only: the JDK has no such option for NIO.
         * For the TCP, TLS and web ports.
         */
        public Builder tcpNotSentLowat(int tcpNotSentLowat) {
            Checks.zeroOrAtLeast("tcpNotSentLowat", tcpNotSentLowat, MIN_TCP_NOTSENT_LOWAT, "the kernel's");
            this.tcpNotSentLowat = tcpNotSentLowat;
            return this;
        }

        /**
         * How long a stopping server keeps reading each connection (until it has been quiet for a moment or
         * has ended) and its UDP socket; zero to close at once.
         */
        public Builder shutdownGrace(Duration shutdownGrace) {
            this.shutdownGrace = Checks.range("shutdownGrace", shutdownGrace, Duration.ZERO, MAX_SHUTDOWN_GRACE);
            return this;
        }

        /** How long a TCP connection is silent before keepalive probes start, in whole seconds; zero for none. */
        public Builder keepAlive(Duration keepAlive) {
            Checks.range("keepAlive", keepAlive, Duration.ZERO, MAX_KEEP_ALIVE);
            if (keepAlive.toNanos() % 1_000_000_000L != 0) {
                throw new IllegalArgumentException("keepAlive: " + keepAlive + " (expected: whole seconds, 0-32767)");
            }
            this.keepAlive = keepAlive;
            return this;
        }

        public ListenOptions build() {
            return new ListenOptions(this);
        }
    }
}
