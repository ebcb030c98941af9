package org.dualchat.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.status.NopStatusListener;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The configuration that replaced logback.xml: the same lines, levels and destination, and who may replace it. */
@Timeout(30)
class DefaultLoggingTest {

    @Test
    void linesGoToStderrInTheOldFormatWithNettyAndLettuceAtWarnings() {
        LoggerContext context = new LoggerContext();
        context.setMDCAdapter(new LogbackMDCAdapter()); // what Logback's own start-up gives its context
        DefaultLogging.configureStderr(context, null);
        assertThat(context.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
        assertThat(context.getLogger("io.netty").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.lettuce").getLevel()).isEqualTo(Level.WARN);
        assertThat(context.getLogger("io.lettuce.core.protocol.ConnectionWatchdog").getLevel())
                .isEqualTo(Level.ERROR);
        assertThat(context.getStatusManager().getCopyOfStatusListenerList())
                .hasAtLeastOneElementOfType(NopStatusListener.class);

        PrintStream stderr = System.err;
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        try {
            System.setErr(new PrintStream(captured, true, UTF_8));
            context.getLogger("org.dualchat.netty.ChatServer").info("Listening on {}", "UDP");
            context.getLogger("org.dualchat.netty.ChatServer").debug("not at info");
            context.getLogger("io.netty.channel.Whatever").info("not below warnings");
            context.getLogger("io.netty.channel.Whatever").warn("a warning");
        } finally {
            System.setErr(stderr);
        }
        String n = System.lineSeparator();
        assertThat(captured.toString(UTF_8)).matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  ChatServer - Listening on UDP" + n
                + "\\d\\d:\\d\\d:\\d\\d\\.\\d{3} WARN  Whatever - a warning" + n);
    }

    @Test
    void theRootLevelComesFromItsPropertyAndIsInfoOtherwise() {
        LoggerContext debug = new LoggerContext();
        DefaultLogging.configureStderr(debug, "debug");
        assertThat(debug.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.DEBUG);
        LoggerContext nonsense = new LoggerContext();
        DefaultLogging.configureStderr(nonsense, "loud");
        assertThat(nonsense.getLogger(Logger.ROOT_LOGGER_NAME).getLevel()).isEqualTo(Level.INFO);
    }

    @Test
    void anOperatorsFileOrALogbackXmlOnTheClassPathReplacesIt() {
        assertThat(DefaultLogging.deferred(Map.<String, String>of()::get, Set.<String>of()::contains)).isFalse();
        assertThat(DefaultLogging.deferred(Map.of("logback.configurationFile", "/etc/x.xml")::get,
                Set.<String>of()::contains)).isTrue();
        assertThat(DefaultLogging.deferred(Map.<String, String>of()::get, Set.of("logback.xml")::contains)).isTrue();
        assertThat(DefaultLogging.deferred(Map.<String, String>of()::get, Set.of("logback-test.xml")::contains))
                .isTrue();
    }

    @Test
    void theShadedJarFindsItAsALogbackService() throws Exception {
        try (var in = DefaultLogging.class.getResourceAsStream(
                "/META-INF/services/ch.qos.logback.classic.spi.Configurator")) {
            assertThat(in).isNotNull();
            assertThat(new String(in.readAllBytes(), UTF_8).trim()).isEqualTo(DefaultLogging.class.getName());
        }
    }
}
