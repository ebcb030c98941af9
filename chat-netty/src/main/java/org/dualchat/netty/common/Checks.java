package org.dualchat.netty.common;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The checks the option builders make, with one form of message: {@code "tcpPort: 70000 (expected: 0-65535)"}.
 * Each failure is an {@link OutOfRange}, which also carries the bounds, so that a command line can say them in
 * its own units.
 */
public final class Checks {

    private Checks() {}

    /** A port to listen on: 0 (any free port) to 65535. */
    public static int port(String name, int port) {
        return range(name, port, 0, 65535);
    }

    /** {@code value} if it lies in {@code min-max}. */
    public static int range(String name, int value, int min, int max) {
        if (value < min || value > max) {
            throw new OutOfRange(name + ": " + value + " (expected: " + min + "-" + max + ")", min, max);
        }
        return value;
    }

    /** {@code value} if it is at least {@code min}. */
    public static int atLeast(String name, int value, int min) {
        if (value < min) {
            throw new OutOfRange(name + ": " + value + " (expected: >= " + min + ")", min, Integer.MAX_VALUE);
        }
        return value;
    }

    /**
     * {@code value} if it is 0, which means {@code zeroMeans} ("the default", "the kernel's sizing"), or at least
     * {@code min}: {@code "relayBudget: 5 (expected: 0 for the default, or >= 262144)"}. A plain
     * {@link IllegalArgumentException}, not an {@link OutOfRange}: the values taken are not one range.
     */
    public static long zeroOrAtLeast(String name, long value, long min, String zeroMeans) {
        if (value != 0 && value < min) {
            throw new IllegalArgumentException(name + ": " + value + " (expected: 0 for " + zeroMeans + ", or >= "
                    + min + ")");
        }
        return value;
    }

    /** {@code value} if it lies in {@code min-max}; {@code min} is {@link Duration#ZERO} or a positive duration. */
    public static Duration range(String name, Duration value, Duration min, Duration max) {
        requireNonNull(value, name);
        if (value.compareTo(min) < 0) {
            String expected = min.isZero() ? ">= 0" : ">= " + min;
            throw new OutOfRange(name + ": " + value + " (expected: " + expected + ")", min, max);
        }
        if (value.compareTo(max) > 0) {
            throw new OutOfRange(name + ": " + value + " (expected: <= " + max + ")", min, max);
        }
        return value;
    }

    /** A value outside the range an option takes; {@link #min()} and {@link #max()} say the range. */
    public static final class OutOfRange extends IllegalArgumentException {

        private static final long serialVersionUID = 1L;

        private final transient Object min;
        private final transient Object max;

        OutOfRange(String message, Object min, Object max) {
            super(message);
            this.min = min;
            this.max = max;
        }

        /** The least value taken: an {@link Integer} or a {@link Duration}, as the option is. */
        public Object min() {
            return min;
        }

        /** The greatest value taken: an {@link Integer} or a {@link Duration}, as the option is. */
        public Object max() {
            return max;
        }
    }
}
