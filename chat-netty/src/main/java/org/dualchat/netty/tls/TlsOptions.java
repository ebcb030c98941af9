package org.dualchat.netty.tls;

import java.util.OptionalInt;
import org.dualchat.netty.common.Checks;
import org.jspecify.annotations.Nullable;

/**
 * Whether a server takes TLS clients, and where: on the TCP port itself, which then takes TLS clients only,
 * or on a port of its own beside plain TCP. Immutable; made by {@link #builder()}.
 *
 * <pre>{@code
 * TlsOptions tls = TlsOptions.builder().tls(ServerTls.selfSigned()).port(2223).build();
 * }</pre>
 */
public final class TlsOptions {

    private static final TlsOptions NONE = builder().build();

    private final @Nullable ServerTls tls;
    private final @Nullable Integer port;

    private TlsOptions(Builder b) {
        this.tls = b.tls;
        this.port = b.port;
    }

    public static Builder builder() {
        return new Builder();
    }

    /** No TLS: plain TCP only. */
    public static TlsOptions defaults() {
        return NONE;
    }

    /** A builder that starts from these options. */
    public Builder mutate() {
        Builder b = new Builder().tls(tls);
        b.port = port;
        return b;
    }

    /** The certificate and key for TLS on TCP, or {@code null} for plain TCP only. */
    public @Nullable ServerTls tls() {
        return tls;
    }

    /** The TLS port beside the plain TCP port; empty for TLS on the TCP port itself (when {@link #tls()} is set). */
    public OptionalInt port() {
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** Builds {@link TlsOptions}; {@link #build()} checks that a TLS port comes with TLS. */
    public static final class Builder {

        private @Nullable ServerTls tls;
        private @Nullable Integer port;

        private Builder() {}

        /**
         * Serves TLS with {@code tls}: on the TCP port, which then takes TLS clients only, or with
         * {@link #port} on a port of its own; {@code null} for plain TCP only.
         */
        public Builder tls(@Nullable ServerTls tls) {
            this.tls = tls;
            return this;
        }

        /** A TLS port besides the plain TCP port; 0 for any free port; {@code null} for TLS on the TCP port. */
        public Builder port(@Nullable Integer port) {
            this.port = port == null ? null : Checks.port("tlsPort", port);
            return this;
        }

        public TlsOptions build() {
            if (port != null && tls == null) {
                throw new IllegalArgumentException("tlsPort: " + port + " (expected: with tls)");
            }
            return new TlsOptions(this);
        }
    }
}
