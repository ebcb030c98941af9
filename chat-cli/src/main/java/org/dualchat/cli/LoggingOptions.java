package org.dualchat.cli;

import ch.qos.logback.classic.Level;
import java.util.Locale;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.ITypeConverter;
import picocli.CommandLine.Option;
import picocli.CommandLine.TypeConversionException;

/** {@code -v}, {@code -q} and {@code --log-level}: how much dualchat says on stderr. */
public final class LoggingOptions {

    /** The loggers {@code --log-level} sets: dualchat's own, not Netty's or other libraries'. */
    public static final String DUALCHAT_LOGGERS = "org.dualchat";

    @Option(names = {"-v", "--verbose"}, description = "Log more on stderr (debug level).")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "Log only warnings and errors on stderr.")
    boolean quiet;

    @Option(names = "--log-level", paramLabel = "LEVEL", converter = LevelConverter.class,
            description = "Level of dualchat's own log lines: error, warn, info, debug, trace or off"
                    + " (default: info; wins over -v/-q for dualchat's lines).")
    Level level;

    /**
     * Sets the root log level for {@code -v}/{@code -q} and dualchat's level for {@code --log-level}, if
     * asked to; otherwise leaves logback.xml (or the user's own) in charge.
     */
    public void apply() {
        if (verbose || quiet) {
            logger(org.slf4j.Logger.ROOT_LOGGER_NAME).setLevel(verbose ? Level.DEBUG : Level.WARN);
        }
        if (level != null) {
            logger(DUALCHAT_LOGGERS).setLevel(level);
        }
    }

    private static ch.qos.logback.classic.Logger logger(String name) {
        return (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(name);
    }

    /** Reads a level name in any case; anything else is a usage error. */
    static final class LevelConverter implements ITypeConverter<Level> {
        @Override
        public Level convert(String value) {
            switch (value.toLowerCase(Locale.ROOT)) {
                case "error":
                    return Level.ERROR;
                case "warn":
                    return Level.WARN;
                case "info":
                    return Level.INFO;
                case "debug":
                    return Level.DEBUG;
                case "trace":
                    return Level.TRACE;
                case "off":
                    return Level.OFF;
                default:
                    throw new TypeConversionException(
                            "'" + value + "' (expected: error, warn, info, debug, trace or off)");
            }
        }
    }
}
