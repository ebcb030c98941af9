package org.dualchat.netty.metrics;

import java.net.InetAddress;
import java.time.Duration;
import java.util.OptionalInt;
import org.dualchat.netty.common.Checks;
import org.jspecify.annotations.Nullable;

/**
 * What a server tells its operators besides its log: the HTTP metrics endpoint ({@code /metrics},
 * {@code /health}), off unless asked for, and the periodic stats line. Immutable; made by {@link #builder()}.
 */
public final class ObservabilityOptions {

    /** How often the stats line is logged, in seconds, by default: 0, never (one is logged at shutdown). */
    public static final int DEFAULT_STATS_INTERVAL_SECONDS = 0;
    /** The longest stats interval. */
    public static final Duration MAX_STATS_INTERVAL = Duration.ofDays(1);

    private static final ObservabilityOptions DEFAULTS = builder().build();

    private final @Nullable Integer metricsPort;
    private final @Nullable InetAddress metricsAddress;
    private final Duration statsInterval;

    private ObservabilityOptions(Builder b) {
        this.metricsPort = b.metricsPort;
        this.metricsAddress = b.metricsAddress;
        this.statsInterval = b.statsInterval;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** No metrics endpoint, no periodic stats line. */
    public static ObservabilityOptions defaults() {
        return DEFAULTS;
    }

    /** A builder that starts from these options. */
    public Builder mutate() {
        return new Builder().metricsPort(metricsPort).metricsAddress(metricsAddress).statsInterval(statsInterval);
    }

    /** The port of the HTTP metrics endpoint; empty for none (the default). */
    public OptionalInt metricsPort() {
        return metricsPort == null ? OptionalInt.empty() : OptionalInt.of(metricsPort);
    }

    /** The address the metrics endpoint listens on; {@code null} for the loopback address. */
    public @Nullable InetAddress metricsAddress() {
        return metricsAddress;
    }

    /** How often to log a summary of the counts while they change; {@link Duration#ZERO} for never. */
    public Duration statsInterval() {
        return statsInterval;
    }

    /** Builds {@link ObservabilityOptions}, checking each value as it is set. */
    public static final class Builder {

        private @Nullable Integer metricsPort;
        private @Nullable InetAddress metricsAddress;
        private Duration statsInterval = Duration.ofSeconds(DEFAULT_STATS_INTERVAL_SECONDS);

        private Builder() {}

        /** The port of the HTTP metrics endpoint; 0 for any free port, {@code null} for none. */
        public Builder metricsPort(@Nullable Integer metricsPort) {
            this.metricsPort = metricsPort == null ? null : Checks.port("metricsPort", metricsPort);
            return this;
        }

        /**
         * The address the metrics endpoint listens on; {@code null} (the default) for the loopback address,
         * so that exposing the server's counts to the network is a choice, not an accident.
         */
        public Builder metricsAddress(@Nullable InetAddress metricsAddress) {
            this.metricsAddress = metricsAddress;
            return this;
        }

        /** How often to log a one-line summary of the counts while they change; zero for never. */
        public Builder statsInterval(Duration statsInterval) {
            this.statsInterval = Checks.range("statsInterval", statsInterval, Duration.ZERO, MAX_STATS_INTERVAL);
            return this;
        }

        public ObservabilityOptions build() {
            return new ObservabilityOptions(this);
        }
    }
}
