package org.dualchat.cli;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.Configurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.encoder.LayoutWrappingEncoder;
import ch.qos.logback.core.spi.ContextAwareBase;
import ch.qos.logback.core.status.NopStatusListener;
import java.util.function.Predicate;
import java.util.function.UnaryOperator;

/**
 * dualchat's built-in Logback configuration, set in code (found through {@code META-INF/services}) rather than
 * read from a {@code logback.xml}: diagnostics only, only on stderr, as {@code time level logger - message}.
 * Reading logback.xml loaded about 600 classes (Logback's configuration machinery and the JDK's XML parser)
 * into every server, and its pattern about 150 more: a few megabytes of an idle server's memory. A file named by {@code -Dlogback.configurationFile},
 * or a {@code logback.xml}/{@code logback-test.xml} on the class path, still replaces it entirely.
 */
public final class DefaultLogging extends ContextAwareBase implements Configurator {

    /** Every line in Logback's pattern language ({@link LogLineLayout} writes it): time, level, logger, message. */
    public static final String PATTERN = "%d{HH:mm:ss.SSS} %-5level %logger{0} - %msg%n";
    /** {@code -Ddualchat.log.level=LEVEL}: the root level (default info), as logback.xml read it. */
    public static final String LEVEL_PROPERTY = "dualchat.log.level";

    /** Logback's own switch for a configuration file, which wins over this one. */
    private static final String CONFIGURATION_FILE = "logback.configurationFile";

    @Override
    public ExecutionStatus configure(LoggerContext context) {
        if (deferred(System::getProperty, DefaultLogging::onClassPath)) {
            return ExecutionStatus.INVOKE_NEXT_IF_ANY;
        }
        configureStderr(context, System.getProperty(LEVEL_PROPERTY));
        return ExecutionStatus.DO_NOT_INVOKE_NEXT_IF_ANY;
    }

    /** Whether a configuration of the operator's (or a test's) is there to replace this one. */
    static boolean deferred(UnaryOperator<String> properties, Predicate<String> onClassPath) {
        return properties.apply(CONFIGURATION_FILE) != null || onClassPath.test("logback-test.xml")
                || onClassPath.test("logback.xml");
    }

    /**
     * What logback.xml said: lines on stderr, Netty and Lettuce at warnings, the root at {@code rootLevel}
     * (info if null or not a level).
     */
    static void configureStderr(LoggerContext context, String rootLevel) {
        // Logback's own messages (about its configuration) are not the operator's business, as before.
        NopStatusListener quiet = new NopStatusListener();
        context.getStatusManager().add(quiet);

        LogLineLayout layout = new LogLineLayout();
        layout.setContext(context);
        layout.start();
        LayoutWrappingEncoder<ILoggingEvent> encoder = new LayoutWrappingEncoder<>();
        encoder.setContext(context);
        encoder.setLayout(layout);
        encoder.start();
        ConsoleAppender<ILoggingEvent> stderr = new ConsoleAppender<>();
        stderr.setContext(context);
        stderr.setName("STDERR");
        stderr.setTarget("System.err");
        stderr.setEncoder(encoder);
        stderr.start();

        context.getLogger("io.netty").setLevel(Level.WARN);
        // Lettuce warns at every failed reconnect; the room says once that Redis is gone, and once that it is back.
        context.getLogger("io.lettuce.core.protocol.ConnectionWatchdog").setLevel(Level.ERROR);
        context.getLogger("io.lettuce").setLevel(Level.WARN);
        Logger root = context.getLogger(Logger.ROOT_LOGGER_NAME);
        root.setLevel(Level.toLevel(rootLevel, Level.INFO));
        root.addAppender(stderr);
    }

    private static boolean onClassPath(String resource) {
        ClassLoader loader = DefaultLogging.class.getClassLoader();
        return loader != null && loader.getResource(resource) != null;
    }
}
