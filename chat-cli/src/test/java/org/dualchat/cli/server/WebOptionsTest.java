package org.dualchat.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetAddress;
import org.dualchat.cli.CliRun;
import org.dualchat.cli.DualchatCli;
import org.dualchat.netty.ChatServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code --http-port}, {@code --http-bind}, {@code --http-allow-origin}: parsing, usage errors, the config. */
@Timeout(30)
class WebOptionsTest {

    private static ChatServerConfig config(String... args) {
        return OptionGroups.config(new WebOptions(), args);
    }

    @Test
    void theChatPageIsOffUnlessAPortIsGiven() throws Exception {
        assertThat(config().webOptions().port()).isEmpty();
        ChatServerConfig web = config("--http-port", "8080", "--http-bind", "127.0.0.1",
                "--http-allow-origin", "https://chat.example.org", "--http-allow-origin", "http://h:81");
        assertThat(web.webOptions().port()).hasValue(8080);
        assertThat(web.webOptions().bindAddress()).isEqualTo(InetAddress.getByName("127.0.0.1"));
        assertThat(web.webOptions().allowOrigins()).containsExactly("https://chat.example.org", "http://h:81");
        assertThat(config("--http-port", "0").webOptions().port()).hasValue(0);
    }

    @Test
    void badValuesAreOneLineUsageErrors() {
        assertUsageError(new String[] {"--http-port", "70000"},
                "Invalid value for option '--http-port': 70000 (expected: 0-65535)");
        assertUsageError(new String[] {"--http-bind", "127.0.0.1"}, "--http-bind needs --http-port");
        assertUsageError(new String[] {"--http-allow-origin", "*"}, "--http-allow-origin needs --http-port");
        assertUsageError(new String[] {"--http-port", "0", "--http-bind", "no-such-host.invalid"},
                "unknown host 'no-such-host.invalid'");
        assertUsageError(new String[] {"--http-port", "0", "--http-allow-origin", "example.org"},
                "Invalid value for option '--http-allow-origin': example.org (expected: http(s)://host[:port], or *)");
    }

    @Test
    void serverHelpListsTheOptions() {
        CliRun run = CliRun.withInput("");
        assertThat(run.run("server", "--help")).isEqualTo(DualchatCli.OK);
        assertThat(run.out()).contains("--http-port", "--http-bind", "--http-allow-origin");
    }

    private static void assertUsageError(String[] args, String message) {
        CliRun run = CliRun.withInput("");
        assertThat(run.run(args)).as("exit code of %s", String.join(" ", args)).isEqualTo(DualchatCli.USAGE);
        assertThat(run.err()).contains(message).hasLineCount(1);
        assertThat(run.out()).isEmpty();
    }
}
