package org.dualchat.netty;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.dualchat.netty.common.Checks;

/**
 * How a {@link ChatServer} cuts its TCP input into messages, and what it says to a new TCP client: the longest
 * line, how long a line without a newline waits, and the greeting. Immutable; made by {@link #builder()}.
 */
public final class FramingOptions {

    /** What a TCP client is sent on connect, as the seeds' receiver did. */
    public static final String DEFAULT_GREETING = "Server connected";
    /** The longest TCP line, in bytes, before it is delivered in pieces. */
    public static final int DEFAULT_MAX_LINE_LENGTH = 8192;
    /** The shortest longest line: one character of UTF-8 must fit. */
    public static final int MIN_LINE_LENGTH = 4;
    /** The upper bound for {@link Builder#maxLineLength}: the largest UDP payload. */
    public static final int MAX_LINE_LENGTH_LIMIT = 65_507;
    /** How long a TCP line without a newline waits for more, in milliseconds, before it is delivered. */
    public static final int DEFAULT_PARTIAL_LINE_TIMEOUT_MILLIS = 200;
    /** {@link #DEFAULT_PARTIAL_LINE_TIMEOUT_MILLIS} as a duration. */
    public static final Duration DEFAULT_PARTIAL_LINE_TIMEOUT = Duration.ofMillis(DEFAULT_PARTIAL_LINE_TIMEOUT_MILLIS);
    /** The longest partial-line timeout: past this, waiting for the newline is what is meant. */
    public static final Duration MAX_PARTIAL_LINE_TIMEOUT = Duration.ofHours(1);

    private static final FramingOptions DEFAULTS = builder().build();

    private final String greeting;
    private final int maxLineLength;
    private final Duration partialLineTimeout;

    private FramingOptions(Builder b) {
        this.greeting = b.greeting;
        this.maxLineLength = b.maxLineLength;
        this.partialLineTimeout = b.partialLineTimeout;
    }

    public static Builder builder() {
        return new Builder();
    }

    public static FramingOptions defaults() {
        return DEFAULTS;
    }

    /** A builder that starts from these options. */
    public Builder mutate() {
        return new Builder().greeting(greeting).maxLineLength(maxLineLength).partialLineTimeout(partialLineTimeout);
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

    /** Builds {@link FramingOptions}, checking each value as it is set. */
    public static final class Builder {

        private String greeting = DEFAULT_GREETING;
        private int maxLineLength = DEFAULT_MAX_LINE_LENGTH;
        private Duration partialLineTimeout = DEFAULT_PARTIAL_LINE_TIMEOUT;

        private Builder() {}

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
            this.maxLineLength = Checks.range("maxLineLength", maxLineLength, MIN_LINE_LENGTH, MAX_LINE_LENGTH_LIMIT);
            return this;
        }

        /** How long a TCP line without a newline waits for more input; zero to wait for the newline. */
        public Builder partialLineTimeout(Duration partialLineTimeout) {
            this.partialLineTimeout = Checks.range(
                    "partialLineTimeout", partialLineTimeout, Duration.ZERO, MAX_PARTIAL_LINE_TIMEOUT);
            return this;
        }

        public FramingOptions build() {
            return new FramingOptions(this);
        }
    }
}
