package org.dualchat.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import java.io.IOException;
import java.io.StringWriter;
import java.util.Map;
import org.dualchat.cli.CliRun;
import org.dualchat.cli.DualchatCli;
import org.dualchat.cli.LoggingOptions;
import org.dualchat.cli.format.JsonFormat;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** The server's output, metrics and logging options: parsing, usage errors, and what they select. */
@Timeout(30)
class ObservabilityOptionsTest {

    private static final ChatMessage UDP = new ChatMessage(Protocol.UDP, "127.0.0.1", 1, null, "hi", 0);

    private static String write(MessageFormat format) throws IOException {
        StringWriter out = new StringWriter();
        format.write(UDP, out);
        return out.toString();
    }

    private static OutputOptions output(String... args) {
        return CommandLine.populateCommand(new OutputOptions(), args);
    }

    @Test
    void plainIsTheDefaultAndColourFollowsTheTerminalAndNoColor() throws IOException {
        assertThat(output().messageFormat(false, Map.of())).isSameAs(MessageFormat.PLAIN);
        assertThat(write(output().messageFormat(true, Map.of()))).isEqualTo("\u001b[36m127.0.0.1\u001b[0m : hi\n");
        assertThat(output().messageFormat(true, Map.of("NO_COLOR", "1"))).isSameAs(MessageFormat.PLAIN);
        assertThat(output("--color", "never").messageFormat(true, Map.of())).isSameAs(MessageFormat.PLAIN);
        assertThat(write(output("--color", "always").messageFormat(false, Map.of("NO_COLOR", "1"))))
                .startsWith("\u001b[36m");
        assertThat(write(output("--timestamps").messageFormat(false, Map.of())))
                .isEqualTo("1970-01-01T00:00:00.000Z 127.0.0.1 : hi\n");
    }

    @Test
    void jsonIsNeverColoured() throws IOException {
        MessageFormat json =
                output("--format", "JSON", "--color", "always", "--timestamps").messageFormat(true, Map.of());
        assertThat(json).isInstanceOf(JsonFormat.class);
        assertThat(write(json)).doesNotContain("\u001b").startsWith("{\"time\":\"1970-01-01T00:00:00.000Z\"");
    }

    @Test
    void logLevelSetsDualchatsLoggersOnly() {
        Logger dualchat = (Logger) LoggerFactory.getLogger(LoggingOptions.DUALCHAT_LOGGERS);
        Logger netty = (Logger) LoggerFactory.getLogger("io.netty");
        Level before = dualchat.getLevel();
        Level nettyBefore = netty.getEffectiveLevel();
        try {
            CommandLine.populateCommand(new LoggingOptions(), "--log-level", "DEBUG").apply();
            assertThat(dualchat.getLevel()).isEqualTo(Level.DEBUG);
            assertThat(LoggerFactory.getLogger("org.dualchat.netty.ChatServer").isDebugEnabled()).isTrue();
            assertThat(netty.getEffectiveLevel()).isEqualTo(nettyBefore);
            CommandLine.populateCommand(new LoggingOptions(), "--log-level", "off").apply();
            assertThat(LoggerFactory.getLogger("org.dualchat.netty.ChatServer").isErrorEnabled()).isFalse();
        } finally {
            dualchat.setLevel(before);
        }
    }

    @Test
    void badValuesAreOneLineUsageErrors() {
        assertUsageError(new String[] {"--log-level", "loud"},
                "dualchat: Invalid value for option '--log-level': 'loud' (expected: error, warn, info, debug,"
                        + " trace or off) (see 'dualchat server --help')");
        assertUsageError(new String[] {"--format", "xml"}, "'xml' (expected: plain or json)");
        assertUsageError(new String[] {"--color", "sometimes"}, "'sometimes' (expected: auto, always or never)");
        assertUsageError(new String[] {"--metrics-port", "70000"},
                "Invalid value for option '--metrics-port': 70000 (expected: 0-65535)");
        assertUsageError(new String[] {"--metrics-bind", "127.0.0.1"}, "--metrics-bind needs --metrics-port");
        // Alike: an option that would do nothing alone is a mistake, said so.
        assertUsageError(new String[] {"--burst", "50"}, "--burst needs --rate: without a rate there is no limit");
        assertUsageError(new String[] {"--keepalive", "40000"},
                "Invalid value for option '--keepalive': 40000 (expected: 0-32767)");
        assertUsageError(new String[] {"--metrics-port", "0", "--metrics-bind", "no-such-host.invalid"},
                "unknown host 'no-such-host.invalid'");
        assertUsageError(new String[] {"--stats-interval", "-1"},
                "Invalid value for option '--stats-interval': -1 (expected: 0-86400)");
        assertUsageError(new String[] {"send", "udp", "::1", "--log-level", "chatty"}, "'chatty'");
    }

    private static void assertUsageError(String[] args, String message) {
        CliRun run = CliRun.withInput("");
        assertThat(run.run(args)).as("exit code of %s", String.join(" ", args)).isEqualTo(DualchatCli.USAGE);
        assertThat(run.err()).contains(message).hasLineCount(1);
        assertThat(run.out()).isEmpty();
    }

    @Test
    void serverHelpListsTheNewOptions() {
        CliRun run = CliRun.withInput("");
        assertThat(run.run("server", "--help")).isEqualTo(DualchatCli.OK);
        assertThat(run.out()).contains("--format", "--timestamps", "--color", "NO_COLOR", "--metrics-port",
                "--metrics-bind", "--stats-interval", "--log-level");
    }
}
