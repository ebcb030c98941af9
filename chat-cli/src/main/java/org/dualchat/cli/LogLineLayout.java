package org.dualchat.cli;

import ch.qos.logback.classic.pattern.ThrowableProxyConverter;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.CoreConstants;
import ch.qos.logback.core.LayoutBase;
import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;

/**
 * Lays out a log line exactly as Logback's pattern {@value DefaultLogging#PATTERN} does (stack traces
 * included), without Logback's pattern machinery: that parser, its converters and the 66 lambdas of its
 * converter table were most of the logging classes an idle server kept loaded.
 */
final class LogLineLayout extends LayoutBase<ILoggingEvent> {

    private static final DateTimeFormatter SECOND = DateTimeFormatter.ofPattern("HH:mm:ss.");

    /** The time zone of the time, fixed at start as Logback's {@code %d} does. */
    private final ZoneId zone;
    private final ThrowableProxyConverter stackTrace = new ThrowableProxyConverter();
    /** The last second laid out, {@code HH:mm:ss.}: log lines come in bursts within one second. */
    private volatile Second cached = new Second(Long.MIN_VALUE, "");

    LogLineLayout() {
        this(ZoneId.systemDefault());
    }

    LogLineLayout(ZoneId zone) {
        this.zone = zone;
    }

    @Override
    public void start() {
        stackTrace.setContext(getContext());
        stackTrace.start();
        super.start();
    }

    @Override
    public void stop() {
        stackTrace.stop();
        super.stop();
    }

    @Override
    public String doLayout(ILoggingEvent event) {
        String message = event.getFormattedMessage();
        String logger = event.getLoggerName();
        StringBuilder line = new StringBuilder(40 + logger.length() + (message == null ? 4 : message.length()));
        long millis = event.getTimeStamp();
        line.append(second(Math.floorDiv(millis, 1000)));
        int milli = (int) Math.floorMod(millis, 1000);
        line.append((char) ('0' + milli / 100)).append((char) ('0' + milli / 10 % 10)).append((char) ('0' + milli % 10));
        line.append(' ');
        String level = event.getLevel().toString();
        line.append(level);
        for (int i = level.length(); i < 5; i++) {
            line.append(' ');
        }
        line.append(' ').append(logger, logger.lastIndexOf('.') + 1, logger.length()).append(" - ").append(message)
                .append(CoreConstants.LINE_SEPARATOR);
        if (event.getThrowableProxy() != null) {
            line.append(stackTrace.convert(event));
        }
        return line.toString();
    }

    private String second(long epochSecond) {
        Second last = cached;
        if (last.epochSecond != epochSecond) {
            last = new Second(epochSecond, SECOND.format(Instant.ofEpochSecond(epochSecond).atZone(zone)));
            cached = last;
        }
        return last.text;
    }

    /** One second's text, {@code HH:mm:ss.}. */
    private static final class Second {
        final long epochSecond;
        final String text;

        Second(long epochSecond, String text) {
            this.epochSecond = epochSecond;
            this.text = text;
        }
    }
}
