package org.dualchat.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.util.Properties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(30)
class DualchatCliTest {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();

    private int run(String... args) {
        return new DualchatCli(new ByteArrayInputStream(new byte[0]), out, new PrintStream(err, true, UTF_8))
                .run(args);
    }

    private String out() {
        return out.toString(UTF_8);
    }

    private String err() {
        return err.toString(UTF_8);
    }

    @Test
    void nettysJfrEventsAreOffUnlessTheUserTurnedThemOn() {
        Properties none = new Properties();
        DualchatCli.nettyDefaults(none);
        assertThat(none.getProperty(DualchatCli.NETTY_JFR)).isEqualTo("false");

        Properties user = new Properties();
        user.setProperty(DualchatCli.NETTY_JFR, "true");
        DualchatCli.nettyDefaults(user);
        assertThat(user.getProperty(DualchatCli.NETTY_JFR)).isEqualTo("true");
    }

    @Test
    void helpListsTheCommandsAndExitCodes() {
        assertThat(run("--help")).isEqualTo(DualchatCli.OK);
        assertThat(out()).contains("Usage: dualchat", "server", "Exit codes:");
        assertThat(err()).isEmpty();
    }

    @Test
    void serverHelpListsItsOptionsWithDefaults() {
        assertThat(run("server", "--help")).isEqualTo(DualchatCli.OK);
        assertThat(out()).contains("--udp-port", "default: 1234", "--tcp-port", "default: 2222", "--bind",
                "--greeting", "--max-line", "--partial-line-timeout", "--transport");
        assertThat(out()).contains("--max-connections", "default: 4096", "--max-connections-per-ip", "default: 64",
                "--idle-timeout", "default: 0", "--keepalive", "default: 60", "--rate", "default: 0", "--burst", "twice --rate", "--allow",
                "--deny");
        assertThat(out()).contains("--shutdown-grace", "default: 5", "--limit-loopback");
    }

    @Test
    void aBadCidrIsAOneLineUsageErrorAndNoNameIsLookedUp() {
        assertThat(run("--allow", "10.0.0.0/8", "--allow", "10.0.0.0/33")).isEqualTo(DualchatCli.USAGE);
        assertThat(err()).isEqualTo("dualchat: Invalid value for option '--allow': 10.0.0.0/33 (expected: an IP"
                + " address or a CIDR block, such as 192.0.2.0/24 or 2001:db8::/32) (see 'dualchat server --help')"
                + System.lineSeparator());
        err.reset();
        assertThat(run("server", "--deny", "localhost")).isEqualTo(DualchatCli.USAGE);
        assertThat(err()).startsWith("dualchat: Invalid value for option '--deny': localhost (expected: ")
                .hasLineCount(1);
        assertThat(out()).isEmpty();
    }

    @Test
    void limitsOutOfRangeNameTheOptionAndTheRange() {
        String[][] cases = {
            {"--rate", "-1", "0-1000000"},
            {"--burst", "0", "1-2147483647"},
            {"--max-connections", "0", "1-2147483647"},
            {"--max-connections-per-ip", "-3", "1-2147483647"},
            {"--idle-timeout", "-5", "0-86400"},
            {"--shutdown-grace", "-1", "0-3600"},
        };
        for (String[] c : cases) {
            err.reset();
            assertThat(run(c[0], c[1])).as(c[0]).isEqualTo(DualchatCli.USAGE);
            assertThat(err()).startsWith("dualchat: Invalid value for option '" + c[0] + "': " + c[1]
                    + " (expected: " + c[2] + ")").hasLineCount(1);
        }
    }

    @Test
    void versionSaysWhatItIs() {
        assertThat(run("--version")).isEqualTo(DualchatCli.OK);
        assertThat(out()).startsWith("dualchat ");
    }

    @Test
    void anUnknownOptionIsAOneLineUsageError() {
        assertThat(run("--no-such-option")).isEqualTo(DualchatCli.USAGE);
        assertThat(err()).isEqualTo(
                "dualchat: Unknown option: '--no-such-option' (see 'dualchat server --help')" + System.lineSeparator());
        assertThat(out()).isEmpty();
    }

    @Test
    void aPortOutOfRangeNamesTheOptionAndTheRange() {
        assertThat(run("--tcp-port", "70000")).isEqualTo(DualchatCli.USAGE);
        assertThat(err()).startsWith("dualchat: Invalid value for option '--tcp-port': 70000 (expected: 0-65535)")
                .hasLineCount(1);
    }

    @Test
    void aPortThatIsNotANumberIsAUsageError() {
        assertThat(run("server", "--udp-port", "abc")).isEqualTo(DualchatCli.USAGE);
        assertThat(err()).contains("'--udp-port'", "abc").hasLineCount(1);
    }

    @Test
    void anUnknownTransportIsAUsageError() {
        assertThat(run("--transport", "kqueue")).isEqualTo(DualchatCli.USAGE);
        assertThat(err()).contains("'kqueue' (expected: auto, epoll or nio)").hasLineCount(1);
    }

    @Test
    void anUnknownBindHostIsAUsageError() {
        assertThat(run("--bind", "no-such-host.invalid")).isEqualTo(DualchatCli.USAGE);
        assertThat(err()).contains("unknown host 'no-such-host.invalid'").hasLineCount(1);
    }

    @Test
    void aTcpPortInUseIsAOneLineRuntimeError() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            int port = taken.getLocalPort();
            assertThat(run("--udp-port", "0", "--tcp-port", String.valueOf(port))).isEqualTo(DualchatCli.FAILURE);
            assertThat(err()).matches("dualchat: cannot listen on TCP \\S+:" + port + ": Address already in use\\R");
            assertThat(out()).isEmpty();
        }
    }

    @Test
    void noCommandOrOnlyOptionsMeanTheServer() {
        assertThat(DualchatCli.withDefaultCommand(new String[0])).containsExactly("server");
        assertThat(DualchatCli.withDefaultCommand(new String[] {"--tcp-port", "0"}))
                .containsExactly("server", "--tcp-port", "0");
        assertThat(DualchatCli.withDefaultCommand(new String[] {"--help"})).containsExactly("--help");
        assertThat(DualchatCli.withDefaultCommand(new String[] {"server", "-q"})).containsExactly("server", "-q");
    }
}
