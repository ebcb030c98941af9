package org.dualchat.netty.limit;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.netty.common.Checks;
import org.jspecify.annotations.Nullable;

/**
 * What keeps a server safe to expose: connection limits, the idle timeout, the message rate per source, and
 * the access list, its blocks parsed once into {@link Subnet}s. Immutable; made by {@link #builder()}.
 *
 * <pre>{@code
 * LimitOptions limits = LimitOptions.builder().rate(100).allow("192.0.2.0/24").deny("192.0.2.7").build();
 * }</pre>
 */
public final class LimitOptions {

    /** The most TCP connections open at once. */
    public static final int DEFAULT_MAX_CONNECTIONS = 4096;
    /** The most TCP connections open at once from one source IP. */
    public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 64;
    /**
     * How long a TCP client may send no message before it is closed, in seconds: 0, never. A client that only
     * reads the room is welcome to stay; dead peers are found by TCP keepalive ({@code ListenOptions}).
     */
    public static final int DEFAULT_IDLE_TIMEOUT_SECONDS = 0;
    /** {@link #DEFAULT_IDLE_TIMEOUT_SECONDS} as a duration. */
    public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofSeconds(DEFAULT_IDLE_TIMEOUT_SECONDS);
    /** The longest idle timeout. */
    public static final Duration MAX_IDLE_TIMEOUT = Duration.ofDays(1);
    /**
     * Messages per second per source IP, over both protocols: 0, no limit. A receiver's first duty is to
     * lose nothing a sender sends, at any speed; a limit is the operator's choice (see the README).
     */
    public static final int DEFAULT_RATE = 0;
    /** The upper bound for {@link Builder#rate}. */
    public static final int MAX_RATE = 1_000_000;

    private static final LimitOptions DEFAULTS = builder().build();

    private final int maxConnections;
    private final int maxConnectionsPerIp;
    private final boolean limitLoopback;
    private final Duration idleTimeout;
    private final int rate;
    private final @Nullable Integer burst;
    private final List<Subnet> allow;
    private final List<Subnet> deny;

    private LimitOptions(Builder b) {
        this.maxConnections = b.maxConnections;
        this.maxConnectionsPerIp = b.maxConnectionsPerIp;
        this.limitLoopback = b.limitLoopback;
        this.idleTimeout = b.idleTimeout;
        this.rate = b.rate;
        this.burst = b.burst;
        this.allow = List.copyOf(b.allow);
        this.deny = List.copyOf(b.deny);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** The connection limits and idle timeout on, no rate limit, no access list. */
    public static LimitOptions defaults() {
        return DEFAULTS;
    }

    /** A builder that starts from these options. */
    public Builder mutate() {
        Builder b = new Builder().maxConnections(maxConnections).maxConnectionsPerIp(maxConnectionsPerIp)
                .limitLoopback(limitLoopback).idleTimeout(idleTimeout).rate(rate);
        b.burst = burst;
        b.allow.addAll(allow);
        b.deny.addAll(deny);
        return b;
    }

    /** The most TCP connections open at once; one more is told the server is full and closed. */
    public int maxConnections() {
        return maxConnections;
    }

    /** The most TCP connections open at once from one source IP. */
    public int maxConnectionsPerIp() {
        return maxConnectionsPerIp;
    }

    /**
     * Whether {@link #maxConnectionsPerIp()} applies to loopback sources too; by default it does not, since
     * local clients are the operator's own (the total limit still applies to them).
     */
    public boolean limitLoopback() {
        return limitLoopback;
    }

    /** How long a TCP client may send no message before it is closed; {@link Duration#ZERO} for never. */
    public Duration idleTimeout() {
        return idleTimeout;
    }

    /** Messages per second per source IP, over both protocols; 0 for no limit. */
    public int rate() {
        return rate;
    }

    /** Messages a source may send at once, after a quiet spell, before its rate applies. */
    public int burst() {
        return burst != null ? burst : Math.max(1, 2 * rate);
    }

    /** The blocks of source addresses let in; empty to let in all but the denied. */
    public List<Subnet> allow() {
        return allow;
    }

    /** The blocks of source addresses kept out; they win over {@link #allow()}. */
    public List<Subnet> deny() {
        return deny;
    }

    /** Builds {@link LimitOptions}, checking each value as it is set. */
    public static final class Builder {

        private int maxConnections = DEFAULT_MAX_CONNECTIONS;
        private int maxConnectionsPerIp = DEFAULT_MAX_CONNECTIONS_PER_IP;
        private boolean limitLoopback;
        private Duration idleTimeout = DEFAULT_IDLE_TIMEOUT;
        private int rate = DEFAULT_RATE;
        private @Nullable Integer burst;
        private final List<Subnet> allow = new ArrayList<>();
        private final List<Subnet> deny = new ArrayList<>();

        private Builder() {}

        /** The most TCP connections open at once. */
        public Builder maxConnections(int maxConnections) {
            this.maxConnections = Checks.atLeast("maxConnections", maxConnections, 1);
            return this;
        }

        /** The most TCP connections open at once from one source IP. */
        public Builder maxConnectionsPerIp(int maxConnectionsPerIp) {
            this.maxConnectionsPerIp = Checks.atLeast("maxConnectionsPerIp", maxConnectionsPerIp, 1);
            return this;
        }

        /**
         * Applies {@link #maxConnectionsPerIp} to loopback sources too: for a server behind a local proxy,
         * where every client arrives from a loopback address. Off by default.
         */
        public Builder limitLoopback(boolean limitLoopback) {
            this.limitLoopback = limitLoopback;
            return this;
        }

        /** How long a TCP client may send no message before it is closed; zero for never. */
        public Builder idleTimeout(Duration idleTimeout) {
            this.idleTimeout = Checks.range("idleTimeout", idleTimeout, Duration.ZERO, MAX_IDLE_TIMEOUT);
            return this;
        }

        /** Messages per second per source IP, over both protocols; 0 for no limit. */
        public Builder rate(int rate) {
            this.rate = Checks.range("rate", rate, 0, MAX_RATE);
            return this;
        }

        /** Messages a source may send at once after a quiet spell; if not set, twice the rate. */
        public Builder burst(int burst) {
            this.burst = Checks.atLeast("burst", burst, 1);
            return this;
        }

        /**
         * Lets in sources in {@code cidr} ({@code 192.0.2.0/24}, {@code 2001:db8::/32}, or one address);
         * once any block is allowed, only allowed sources are let in. Repeatable.
         */
        public Builder allow(String cidr) {
            allow.add(parse("allow", cidr));
            return this;
        }

        /** Keeps out sources in {@code cidr}, even if they are also allowed. Repeatable. */
        public Builder deny(String cidr) {
            deny.add(parse("deny", cidr));
            return this;
        }

        public LimitOptions build() {
            return new LimitOptions(this);
        }

        private static Subnet parse(String name, String cidr) {
            requireNonNull(cidr, name);
            try {
                return Subnet.parse(cidr);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(name + ": " + e.getMessage(), e);
            }
        }
    }
}
