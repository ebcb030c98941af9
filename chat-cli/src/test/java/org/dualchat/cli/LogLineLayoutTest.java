package org.dualchat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.LoggingEvent;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import java.util.TimeZone;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The built-in log line: character for character what Logback's pattern made of the same event. */
@Timeout(30)
class LogLineLayoutTest {

    private final LoggerContext context = new LoggerContext();

    private static Throwable failure() {
        IOException cause = new IOException("disk gone");
        IllegalStateException failure = new IllegalStateException("cannot print", cause);
        failure.addSuppressed(new UncheckedIOException("while closing", new IOException("again")));
        return failure;
    }

    private LoggingEvent event(String logger, Level level, long time, String message, Throwable thrown,
            Object... args) {
        Logger named = context.getLogger(logger);
        LoggingEvent event = new LoggingEvent(Logger.class.getName(), named, level, message, thrown, args);
        event.setTimeStamp(time);
        return event;
    }

    @Test
    void linesAreWhatTheLogbackPatternMadeOfThem() {
        PatternLayout pattern = new PatternLayout();
        pattern.setContext(context);
        pattern.setPattern(DefaultLogging.PATTERN);
        pattern.start();
        LogLineLayout layout = new LogLineLayout();
        layout.setContext(context);
        layout.start();

        long noon = 1_764_590_400_123L; // a time with milliseconds; the zone is the JVM's, as for Logback
        List<LoggingEvent> events = List.of(
                event("org.dualchat.netty.ChatServer", Level.INFO, noon, "Listening on UDP {} and TCP {}", null,
                        "0.0.0.0:1234", "0.0.0.0:2222"),
                event("org.dualchat.netty.room.LocalRoom", Level.WARN, noon + 5, "{} joined", null, "10.0.0.1:5"),
                event("org.dualchat.netty.stats.StatsReporter", Level.DEBUG, noon + 1_000, "Stats: {}", null,
                        (Object) null),
                event("Console", Level.ERROR, 7, "failed", failure()),
                event("io.netty.Whatever", Level.TRACE, -1_001, "before 1970, at 0 ms", null),
                event(Logger.ROOT_LOGGER_NAME, Level.INFO, noon + 999, "Ünïcödé and\nnewline", null));
        for (LoggingEvent event : events) {
            assertThat(layout.doLayout(event)).isEqualTo(pattern.doLayout(event));
        }
        assertThat(layout.doLayout(events.get(0))).matches(
                "\\d\\d:\\d\\d:\\d\\d\\.123 INFO  ChatServer - Listening on UDP 0\\.0\\.0\\.0:1234 and TCP 0\\.0\\.0\\.0:2222"
                        + System.lineSeparator());
        assertThat(layout.doLayout(events.get(3))).contains("Caused by: java.io.IOException: disk gone")
                .contains("Suppressed: java.io.UncheckedIOException: while closing");
    }

    @Test
    void theTimeIsTheZonesOwn() {
        LogLineLayout utc = new LogLineLayout(TimeZone.getTimeZone("UTC").toZoneId());
        utc.setContext(context);
        utc.start();
        LogLineLayout tokyo = new LogLineLayout(TimeZone.getTimeZone("Asia/Tokyo").toZoneId());
        tokyo.setContext(context);
        tokyo.start();
        LoggingEvent event = event("a.B", Level.INFO, 1_764_590_400_123L, "x", null);
        assertThat(utc.doLayout(event)).startsWith("12:00:00.123 INFO  B - x");
        assertThat(tokyo.doLayout(event)).startsWith("21:00:00.123 INFO  B - x");
        // The cached second is not reused for another second.
        assertThat(utc.doLayout(event("a.B", Level.INFO, 1_764_590_461_007L, "y", null)))
                .startsWith("12:01:01.007 INFO  B - y");
    }
}
