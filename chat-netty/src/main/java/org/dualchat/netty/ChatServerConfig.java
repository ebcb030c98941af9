package org.dualchat.netty;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import org.dualchat.netty.common.TransportType;
import org.dualchat.netty.limit.LimitOptions;
import org.dualchat.netty.limit.Subnet;
import org.dualchat.netty.metrics.ObservabilityOptions;
import org.dualchat.netty.room.RelayOptions;
import org.dualchat.netty.room.RoomFactory;
import org.dualchat.netty.tls.ServerTls;
import org.dualchat.netty.tls.TlsOptions;
import org.dualchat.netty.web.WebOptions;
import org.jspecify.annotations.Nullable;

/**
 * Everything a {@link ChatServer} is told, as immutable option groups, each with its own builder, checks
 * and defaults: {@link ListenOptions}, {@link FramingOptions}, {@link RelayOptions}, {@link LimitOptions},
 * {@link TlsOptions}, {@link ObservabilityOptions} and {@link WebOptions}. Made by {@link #builder()}, which takes whole groups or
 * sets their values one by one.
 *
 * <pre>{@code
 * ChatServerConfig config = ChatServerConfig.builder()
 *         .udpPort(0)            // any free port
 *         .tcpPort(0)
 *         .greeting("Welcome")
 *         .limits(LimitOptions.builder().rate(100).build())
 *         .build();
 * }</pre>
 */
public final class ChatServerConfig {

    /** Same as {@link ListenOptions#DEFAULT_UDP_PORT}. */
    public static final int DEFAULT_UDP_PORT = ListenOptions.DEFAULT_UDP_PORT;
    /** Same as {@link ListenOptions#DEFAULT_TCP_PORT}. */
    public static final int DEFAULT_TCP_PORT = ListenOptions.DEFAULT_TCP_PORT;
    /** Same as {@link FramingOptions#DEFAULT_GREETING}. */
    public static final String DEFAULT_GREETING = FramingOptions.DEFAULT_GREETING;
    /** Same as {@link FramingOptions#MAX_LINE_LENGTH_LIMIT}. */
    public static final int MAX_LINE_LENGTH_LIMIT = FramingOptions.MAX_LINE_LENGTH_LIMIT;

    private final ListenOptions listen;
    private final FramingOptions framing;
    private final RelayOptions relay;
    private final LimitOptions limits;
    private final TlsOptions tls;
    private final ObservabilityOptions observability;
    private final WebOptions web;

    private ChatServerConfig(ListenOptions listen, FramingOptions framing, RelayOptions relay, LimitOptions limits,
            TlsOptions tls, ObservabilityOptions observability, WebOptions web) {
        this.listen = listen;
        this.framing = framing;
        this.relay = relay;
        this.limits = limits;
        this.tls = tls;
        this.observability = observability;
        this.web = web;
    }

    /** A builder holding the defaults: all interfaces, UDP 1234, TCP 2222. */
    public static Builder builder() {
        return new Builder();
    }

    public ListenOptions listenOptions() {
        return listen;
    }

    public FramingOptions framingOptions() {
        return framing;
    }

    public RelayOptions relayOptions() {
        return relay;
    }

    public LimitOptions limitOptions() {
        return limits;
    }

    public TlsOptions tlsOptions() {
        return tls;
    }

    public ObservabilityOptions observabilityOptions() {
        return observability;
    }

    public WebOptions webOptions() {
        return web;
    }

    // The values most often read, without naming their group.

    /** The local address to listen on, or {@code null} for all interfaces, IPv4 and IPv6. */
    public @Nullable InetAddress bindAddress() {
        return listen.bindAddress();
    }

    public int udpPort() {
        return listen.udpPort();
    }

    public int tcpPort() {
        return listen.tcpPort();
    }

    /** The line sent to each TCP client on connect; empty for none. */
    public String greeting() {
        return framing.greeting();
    }

    public int maxLineLength() {
        return framing.maxLineLength();
    }

    /** Whether messages are relayed to the TCP clients, with presence notices and commands; else receive-only. */
    public boolean relay() {
        return relay.relay();
    }

    public int maxConnections() {
        return limits.maxConnections();
    }

    public int maxConnectionsPerIp() {
        return limits.maxConnectionsPerIp();
    }

    public Duration idleTimeout() {
        return limits.idleTimeout();
    }

    public int rate() {
        return limits.rate();
    }

    public int burst() {
        return limits.burst();
    }

    /** The allowed blocks in canonical CIDR form, as {@link Subnet#toString()} writes them. */
    public List<String> allow() {
        return limits.allow().stream().map(Subnet::toString).toList();
    }

    /** The denied blocks in canonical CIDR form, as {@link Subnet#toString()} writes them. */
    public List<String> deny() {
        return limits.deny().stream().map(Subnet::toString).toList();
    }

    /** The certificate and key for TLS on TCP, or {@code null} for plain TCP only. */
    public @Nullable ServerTls tls() {
        return tls.tls();
    }

    /**
     * Builds a {@link ChatServerConfig}: each setter passes its value to its group's builder, which checks it
     * at once; {@link #build()} checks what spans groups.
     */
    public static final class Builder {

        private ListenOptions.Builder listen = ListenOptions.builder();
        private FramingOptions.Builder framing = FramingOptions.builder();
        private RelayOptions.Builder relay = RelayOptions.builder();
        private LimitOptions.Builder limits = LimitOptions.builder();
        private TlsOptions.Builder tls = TlsOptions.builder();
        private ObservabilityOptions.Builder observability = ObservabilityOptions.builder();
        private WebOptions.Builder web = WebOptions.builder();

        private Builder() {}

        public Builder listen(ListenOptions options) {
            this.listen = options.mutate();
            return this;
        }

        public Builder framing(FramingOptions options) {
            this.framing = options.mutate();
            return this;
        }

        public Builder relayOptions(RelayOptions options) {
            this.relay = options.mutate();
            return this;
        }

        public Builder limits(LimitOptions options) {
            this.limits = options.mutate();
            return this;
        }

        public Builder tlsOptions(TlsOptions options) {
            this.tls = options.mutate();
            return this;
        }

        public Builder observability(ObservabilityOptions options) {
            this.observability = options.mutate();
            return this;
        }

        public Builder web(WebOptions options) {
            this.web = options.mutate();
            return this;
        }

        /** See {@link ListenOptions.Builder#bindAddress}. */
        public Builder bindAddress(@Nullable InetAddress bindAddress) {
            listen.bindAddress(bindAddress);
            return this;
        }

        /** See {@link ListenOptions.Builder#udpPort}. */
        public Builder udpPort(int udpPort) {
            listen.udpPort(udpPort);
            return this;
        }

        /** See {@link ListenOptions.Builder#tcpPort}. */
        public Builder tcpPort(int tcpPort) {
            listen.tcpPort(tcpPort);
            return this;
        }

        /** See {@link ListenOptions.Builder#transport}. */
        public Builder transport(TransportType transport) {
            listen.transport(transport);
            return this;
        }

        /** See {@link ListenOptions.Builder#ioThreads}. */
        public Builder ioThreads(int ioThreads) {
            listen.ioThreads(ioThreads);
            return this;
        }

        /** See {@link ListenOptions.Builder#udpReceiveBuffer}. */
        public Builder udpReceiveBuffer(int udpReceiveBuffer) {
            listen.udpReceiveBuffer(udpReceiveBuffer);
            return this;
        }

        /** See {@link ListenOptions.Builder#tcpSendBuffer}. */
        public Builder tcpSendBuffer(int tcpSendBuffer) {
            listen.tcpSendBuffer(tcpSendBuffer);
            return this;
        }

        /** See {@link ListenOptions.Builder#tcpNotSentLowat}. */
        public Builder tcpNotSentLowat(int tcpNotSentLowat) {
            listen.tcpNotSentLowat(tcpNotSentLowat);
            return this;
        }

        /** See {@link FramingOptions.Builder#greeting}. */
        public Builder greeting(String greeting) {
            framing.greeting(greeting);
            return this;
        }

        /** See {@link FramingOptions.Builder#maxLineLength}. */
        public Builder maxLineLength(int maxLineLength) {
            framing.maxLineLength(maxLineLength);
            return this;
        }

        /** See {@link FramingOptions.Builder#partialLineTimeout}. */
        public Builder partialLineTimeout(Duration partialLineTimeout) {
            framing.partialLineTimeout(partialLineTimeout);
            return this;
        }

        /** See {@link RelayOptions.Builder#relay}. */
        public Builder relay(boolean relay) {
            this.relay.relay(relay);
            return this;
        }

        /** See {@link RelayOptions.Builder#udpRelay}. */
        public Builder udpRelay(boolean udpRelay) {
            relay.udpRelay(udpRelay);
            return this;
        }

        /** See {@link RelayOptions.Builder#udpRelayWindow}. */
        public Builder udpRelayWindow(Duration udpRelayWindow) {
            relay.udpRelayWindow(udpRelayWindow);
            return this;
        }

        /** See {@link RelayOptions.Builder#clientBuffer}. */
        public Builder clientBuffer(int clientBuffer) {
            relay.clientBuffer(clientBuffer);
            return this;
        }

        /** See {@link LimitOptions.Builder#maxConnections}. */
        public Builder maxConnections(int maxConnections) {
            limits.maxConnections(maxConnections);
            return this;
        }

        /** See {@link LimitOptions.Builder#maxConnectionsPerIp}. */
        public Builder maxConnectionsPerIp(int maxConnectionsPerIp) {
            limits.maxConnectionsPerIp(maxConnectionsPerIp);
            return this;
        }

        /** See {@link LimitOptions.Builder#idleTimeout}. */
        public Builder idleTimeout(Duration idleTimeout) {
            limits.idleTimeout(idleTimeout);
            return this;
        }

        /** See {@link LimitOptions.Builder#rate}. */
        public Builder rate(int rate) {
            limits.rate(rate);
            return this;
        }

        /** See {@link LimitOptions.Builder#burst}. */
        public Builder burst(int burst) {
            limits.burst(burst);
            return this;
        }

        /** See {@link LimitOptions.Builder#allow}. */
        public Builder allow(String cidr) {
            limits.allow(cidr);
            return this;
        }

        /** See {@link LimitOptions.Builder#deny}. */
        public Builder deny(String cidr) {
            limits.deny(cidr);
            return this;
        }

        /** See {@link TlsOptions.Builder#tls}. */
        public Builder tls(@Nullable ServerTls tls) {
            this.tls.tls(tls);
            return this;
        }

        /** See {@link TlsOptions.Builder#port}. */
        public Builder tlsPort(@Nullable Integer tlsPort) {
            tls.port(tlsPort);
            return this;
        }

        /** See {@link RelayOptions.Builder#history}. */
        public Builder history(int history) {
            relay.history(history);
            return this;
        }

        /** See {@link RelayOptions.Builder#relayBudget}. */
        public Builder relayBudget(long relayBudget) {
            relay.relayBudget(relayBudget);
            return this;
        }

        /** See {@link RelayOptions.Builder#roomFactory}: how a room shared by several nodes plugs in. */
        public Builder roomFactory(RoomFactory roomFactory) {
            relay.roomFactory(roomFactory);
            return this;
        }

        /** See {@link ListenOptions.Builder#keepAlive}. */
        public Builder keepAlive(Duration keepAlive) {
            listen.keepAlive(keepAlive);
            return this;
        }

        /** See {@link ListenOptions.Builder#shutdownGrace}. */
        public Builder shutdownGrace(Duration shutdownGrace) {
            listen.shutdownGrace(shutdownGrace);
            return this;
        }

        /** See {@link LimitOptions.Builder#limitLoopback}. */
        public Builder limitLoopback(boolean limitLoopback) {
            limits.limitLoopback(limitLoopback);
            return this;
        }

        /** See {@link ObservabilityOptions.Builder#metricsPort}. */
        public Builder metricsPort(@Nullable Integer metricsPort) {
            observability.metricsPort(metricsPort);
            return this;
        }

        /** See {@link ObservabilityOptions.Builder#metricsAddress}. */
        public Builder metricsAddress(@Nullable InetAddress metricsAddress) {
            observability.metricsAddress(metricsAddress);
            return this;
        }

        /** See {@link ObservabilityOptions.Builder#statsInterval}. */
        public Builder statsInterval(Duration statsInterval) {
            observability.statsInterval(statsInterval);
            return this;
        }

        /** See {@link WebOptions.Builder#port}. */
        public Builder httpPort(@Nullable Integer httpPort) {
            web.port(httpPort);
            return this;
        }

        /** See {@link WebOptions.Builder#bindAddress}. */
        public Builder httpBind(@Nullable InetAddress httpBind) {
            web.bindAddress(httpBind);
            return this;
        }

        /** See {@link WebOptions.Builder#allowOrigin}. */
        public Builder httpAllowOrigin(String origin) {
            web.allowOrigin(origin);
            return this;
        }

        /** @throws IllegalArgumentException for values that do not go together, such as a TLS port on the TCP port */
        public ChatServerConfig build() {
            ListenOptions l = listen.build();
            TlsOptions t = tls.build();
            if (t.port().isPresent() && t.port().getAsInt() != 0 && t.port().getAsInt() == l.tcpPort()) {
                throw new IllegalArgumentException("tlsPort: " + t.port().getAsInt() + " (expected: other than tcpPort)");
            }
            return new ChatServerConfig(l, framing.build(), relay.build(), limits.build(), t,
                    observability.build(), web.build());
        }
    }
}
