package org.dualchat.cli.server;

import static org.assertj.core.api.Assertions.assertThat;

import org.dualchat.cli.CliRun;
import org.dualchat.cli.DualchatCli;
import org.dualchat.netty.ChatServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import picocli.CommandLine;

/** The server's options map onto the config's option groups: their defaults, and their checks. */
@Timeout(10)
class ServerOptionsTest {

    @Test
    void noOptionsMeanTheConfigsOwnDefaults() {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs();
        assertThat(command.toConfig()).usingRecursiveComparison().isEqualTo(ChatServerConfig.builder().build());
    }

    @Test
    void tcpNotSentLowatIsTheListenOptionsOwnAndZeroTurnsItOff() {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs("--tcp-notsent-lowat", "0");
        assertThat(command.toConfig().listenOptions().tcpNotSentLowat()).isZero();
        assertThat(ChatServerConfig.builder().build().listenOptions().tcpNotSentLowat()).isEqualTo(512 * 1024);
    }

    @Test
    void historyIsTheRelayOptionsHistory() {
        ServerCommand command = new ServerCommand();
        new CommandLine(command).parseArgs("--history", "0");
        assertThat(command.toConfig().relayOptions().history()).isZero();
        assertThat(ChatServerConfig.builder().build().relayOptions().history()).isEqualTo(20);
    }

    @Test
    void theBuildersRefusalNamesTheOptionAndItsRangeInTheOptionsUnit() {
        String[][] cases = {
            {"--partial-line-timeout", "3600001", "0-3600000"},
            {"--udp-relay-window", "0", "1-1440"},
            {"--udp-rcvbuf", "10", "1024-2147483647"},
            {"--tcp-sndbuf", "10", "0 for the kernel's sizing, or >= 4096"},
            {"--tcp-notsent-lowat", "100", "0 for the kernel's, or >= 4096"},
            {"--max-line", "3", "4-65507"},
            {"--client-buffer", "1", "1024-2147483647"},
            {"--stats-interval", "86401", "0-86400"},
            {"--udp-port", "-1", "0-65535"},
            {"--history", "1001", "0-1000"},
        };
        for (String[] c : cases) {
            CliRun run = CliRun.withInput("");
            assertThat(run.run(c[0], c[1])).as(c[0]).isEqualTo(DualchatCli.USAGE);
            assertThat(run.err()).as(c[0]).isEqualTo("dualchat: Invalid value for option '" + c[0] + "': " + c[1]
                    + " (expected: " + c[2] + ") (see 'dualchat server --help')" + System.lineSeparator());
        }
    }
}
