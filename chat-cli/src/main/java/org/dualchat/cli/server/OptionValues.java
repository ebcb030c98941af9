package org.dualchat.cli.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.dualchat.netty.common.Checks.OutOfRange;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;

/**
 * Puts option values into the server's config builders, which check them: a value the builder refuses becomes
 * a usage error in the option's own name and unit, {@code Invalid value for option '--idle-timeout': -5
 * (expected: 0-86400)}. The command line checks no range itself.
 */
final class OptionValues {

    private final CommandSpec spec;

    OptionValues(CommandSpec spec) {
        this.spec = spec;
    }

    /** Runs {@code setter}, which passes {@code typed}, the value of {@code option} as typed, to a builder. */
    void set(String option, Object typed, Runnable setter) {
        set(option, typed, null, setter);
    }

    /** As {@link #set(String, Object, Runnable)}, for an option that gives a duration as a count of {@code unit}. */
    void set(String option, Object typed, ChronoUnit unit, Runnable setter) {
        try {
            setter.run();
        } catch (OutOfRange e) {
            throw usage(option, typed + " (expected: " + show(e.min(), unit) + "-" + show(e.max(), unit) + ")", e);
        } catch (IllegalArgumentException e) {
            // The builder says "allow: 10.0.0.0/33 (expected: ...)"; the user typed --allow.
            String message = e.getMessage();
            throw usage(option, message.substring(message.indexOf(": ") + 2), e);
        }
    }

    /** {@code text}, the value of {@code option}, as an address; an unknown host is a usage error. */
    InetAddress address(String option, String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw usage(option, "unknown host '" + text + "'", e);
        }
    }

    ParameterException usage(String option, String what, Exception cause) {
        return new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': " + what,
                cause);
    }

    private static String show(Object bound, ChronoUnit unit) {
        if (bound instanceof Duration && unit != null) {
            return Long.toString(((Duration) bound).toNanos() / unit.getDuration().toNanos());
        }
        return String.valueOf(bound);
    }
}
