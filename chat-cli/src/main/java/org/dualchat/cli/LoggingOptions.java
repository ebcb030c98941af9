package org.dualchat.cli;

import ch.qos.logback.classic.Level;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Option;

/** {@code -v} and {@code -q}: how much the server says on stderr. */
final class LoggingOptions {

    @Option(names = {"-v", "--verbose"}, description = "Log more on stderr (debug level).")
    boolean verbose;

    @Option(names = {"-q", "--quiet"}, description = "Log only warnings and errors on stderr.")
    boolean quiet;

    /** Sets the root log level if asked to; otherwise leaves logback.xml (or the user's own) in charge. */
    void apply() {
        if (!verbose && !quiet) {
            return;
        }
        ch.qos.logback.classic.Logger root = (ch.qos.logback.classic.Logger)
                LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
        root.setLevel(verbose ? Level.DEBUG : Level.WARN);
    }
}
