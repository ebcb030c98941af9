package org.dualchat.netty.web;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalInt;
import org.dualchat.netty.common.Checks;
import org.jspecify.annotations.Nullable;

/**
 * The chat page and its WebSocket endpoint: off unless a port is given, on the server's address unless told
 * otherwise, open to the page's own origin plus those listed. Immutable; made by {@link #builder()}.
 */
public final class WebOptions {

    private static final WebOptions DEFAULTS = builder().build();

    private final @Nullable Integer port;
    private final @Nullable InetAddress bindAddress;
    private final List<String> allowOrigins;

    private WebOptions(Builder b) {
        this.port = b.port;
        this.bindAddress = b.bindAddress;
        this.allowOrigins = List.copyOf(b.allowOrigins);
    }

    public static Builder builder() {
        return new Builder();
    }

    /** No chat page, no WebSocket endpoint. */
    public static WebOptions defaults() {
        return DEFAULTS;
    }

    /** A builder that starts from these options. */
    public Builder mutate() {
        Builder b = new Builder().port(port).bindAddress(bindAddress);
        b.allowOrigins.addAll(allowOrigins);
        return b;
    }

    /**
     * The port of the chat page ({@code GET /}) and its WebSocket ({@code /ws}), HTTPS and WSS when the
     * server has TLS; empty for none (the default).
     */
    public OptionalInt port() {
        return port == null ? OptionalInt.empty() : OptionalInt.of(port);
    }

    /** The address the chat page listens on; {@code null} for the server's own bind address. */
    public @Nullable InetAddress bindAddress() {
        return bindAddress;
    }

    /**
     * The origins besides the page's own whose pages may open the WebSocket ({@code https://example.org},
     * or {@code *} for any), normalised.
     */
    public List<String> allowOrigins() {
        return allowOrigins;
    }

    /** Builds {@link WebOptions}, checking each value as it is set. */
    public static final class Builder {

        private @Nullable Integer port;
        private @Nullable InetAddress bindAddress;
        private final List<String> allowOrigins = new ArrayList<>();

        private Builder() {}

        /** The port of the chat page and its WebSocket; 0 for any free port, {@code null} for none. */
        public Builder port(@Nullable Integer port) {
            this.port = port == null ? null : Checks.port("httpPort", port);
            return this;
        }

        /** The address the chat page listens on; {@code null} (the default) for the server's bind address. */
        public Builder bindAddress(@Nullable InetAddress bindAddress) {
            this.bindAddress = bindAddress;
            return this;
        }

        /**
         * Lets pages from {@code origin} ({@code https://chat.example.org}, {@code http://host:8080}, or
         * {@code *} for any) open the WebSocket, besides the chat page itself. Repeatable.
         */
        public Builder allowOrigin(String origin) {
            requireNonNull(origin, "httpAllowOrigin");
            try {
                allowOrigins.add(WebOrigins.normalize(origin));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("httpAllowOrigin: " + e.getMessage(), e);
            }
            return this;
        }

        public WebOptions build() {
            return new WebOptions(this);
        }
    }
}
