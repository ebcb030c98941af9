package org.dualchat.cli.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.io.FileOutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.dualchat.cli.CliRun;
import org.dualchat.cli.DualchatCli;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

    @TempDir
    Path dir;

    @Test
    @Timeout(60)
    void udpAndTcpReportWhatTheServerPrinted() throws Exception {
        Path out = dir.resolve("out.txt");
        try (ChatServer server = new ChatServer(ChatServerConfig.builder().udpPort(0).tcpPort(0).build(),
                new PrintingSink(new FileOutputStream(out.toFile()), MessageFormat.PLAIN))) {
            server.start();
            CliRun udp = CliRun.withInput("");
            int exit = udp.run("bench", "udp", "127.0.0.1", "-p", "" + server.udpAddress().getPort(),
                    "-n", "1000", "-r", "2000", "-s", "32", "--count-file", out.toString());
            assertThat(udp.err()).isEmpty();
            assertThat(exit).isZero();
            assertThat(udp.out())
                    .startsWith("bench udp 127.0.0.1:" + server.udpAddress().getPort() + "  rate=2000/s size=32 senders=1")
                    .contains("  sent      1,000 in ")
                    .contains("  received  1,000 of 1,000 expected (lines in " + out + ")")
                    .contains("  lost      0 (0.000%)");

            CliRun tcp = CliRun.withInput("");
            exit = tcp.run("bench", "tcp", "127.0.0.1", "-p", "" + server.tcpAddress().getPort(),
                    "-n", "20000", "-c", "4", "--count-file", out.toString(), "--kv");
            assertThat(tcp.err()).isEmpty();
            assertThat(exit).isZero();
            assertThat(tcp.out()).startsWith("load=tcp transport=").contains(" sent=20000 ")
                    .contains(" received=20000 expected=20000 lost=0 lost_pct=0.000 ").endsWith(" timed_out=false\n");
        }
        assertThat(Files.readAllLines(out, StandardCharsets.UTF_8)).hasSize(21_000);
    }

    @Test
    @Timeout(60)
    void relayWarmsUpFirstAndReportsTheWarmUpApart() throws Exception {
        try (ChatServer server = new ChatServer(ChatServerConfig.builder().udpPort(0).tcpPort(0).build(),
                new PrintingSink(new FileOutputStream(dir.resolve("out.txt").toFile()), MessageFormat.PLAIN))) {
            server.start();
            String port = "" + server.tcpAddress().getPort();
            CliRun human = CliRun.withInput("");
            assertThat(human.run("bench", "relay", "127.0.0.1", "-p", port, "-R", "3", "-r", "1000", "-n", "200",
                    "--warmup", "0.2")).isZero();
            assertThat(human.err()).isEmpty();
            assertThat(human.out()).contains("  received  600 of 600 expected ")
                    .containsPattern("\n  latency   p50 .* \\(600 samples\\)\n")
                    .containsPattern("\n  warm-up   [0-9]+ sent in 0\\.[0-9]{3} s before the run, [0-9,]+ read; latency p50 ")
                    .contains(" (not in the figures above)\n");

            CliRun kv = CliRun.withInput("");
            assertThat(kv.run("bench", "relay", "127.0.0.1", "-p", port, "-R", "3", "-r", "0", "-n", "300",
                    "--warmup", "0.2", "--kv")).isZero();
            // At full speed the warm-up sends the run's count (or what it can in 0.2 s): read apart, every line.
            String line = kv.out();
            assertThat(line).contains(" sent=300 ").contains(" received=900 expected=900 lost=0 ");
            long warmSent = Long.parseLong(line.replaceAll("(?s).* warmup_sent=([0-9]+) .*", "$1"));
            assertThat(warmSent).isPositive();
            assertThat(line).contains(" warmup_received=" + warmSent * 3 + " ").containsPattern(" warmup_p99_us=[0-9]+ ");

            CliRun cold = CliRun.withInput("");
            int coldExit = cold.run("bench", "relay", "127.0.0.1", "-p", port, "-R", "2", "-r", "0", "-n", "100", "--kv");
            assertThat(coldExit).as("exit status; it said: %s%s", cold.err(), cold.out()).isZero();
            assertThat(cold.out()).contains(" received=200 expected=200 ").doesNotContain("warmup_");
        }
    }

    @Test
    @Timeout(60)
    void countsWhatTheServersMetricsEndpointSaysItReceived() throws Exception {
        try (ChatServer server = new ChatServer(
                ChatServerConfig.builder().udpPort(0).tcpPort(0).metricsPort(0).build(),
                new PrintingSink(new FileOutputStream(dir.resolve("out.txt").toFile()), MessageFormat.PLAIN))) {
            server.start();
            String metrics = "http://127.0.0.1:" + server.metricsAddress().getPort() + "/metrics";
            CliRun udp = CliRun.withInput("");
            assertThat(udp.run("bench", "udp", "127.0.0.1", "-p", "" + server.udpAddress().getPort(),
                    "-n", "1000", "-r", "2000", "--count-metrics", metrics, "--kv")).isZero();
            assertThat(udp.err()).isEmpty();
            assertThat(udp.out()).contains(" sent=1000 ").contains(" received=1000 expected=1000 lost=0 ");
            String plain = Epoll.isAvailable() ? "epoll" : "nio";
            assertThat(udp.out()).contains(" transport=" + (Epoll.isAvailable()
                    && EpollDatagramChannel.isSegmentedDatagramPacketSupported() ? "epoll+gso " : plain + " "));

            CliRun unsegmented = CliRun.withInput("");
            assertThat(unsegmented.run("bench", "udp", "127.0.0.1", "-p", "" + server.udpAddress().getPort(),
                    "-n", "1000", "-r", "2000", "--no-gso", "--count-metrics", metrics, "--kv")).isZero();
            assertThat(unsegmented.out()).contains(" transport=" + plain + " ")
                    .contains(" received=1000 expected=1000 lost=0 ");

            CliRun tcp = CliRun.withInput("");
            assertThat(tcp.run("bench", "tcp", "127.0.0.1", "-p", "" + server.tcpAddress().getPort(),
                    "-n", "5000", "-c", "2", "--count-metrics", metrics)).isZero();
            assertThat(tcp.out()).contains("  received  5,000 of 5,000 expected "
                    + "(dualchat_lines_received_total{protocol=\"tcp\"} at " + metrics + ")");
        }
    }

    @Test
    @Timeout(30)
    void failsWithOneLineWhenTheMetricsEndpointIsNotThere() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        CliRun cli = CliRun.withInput("");
        assertThat(cli.run("bench", "udp", "127.0.0.1", "-n", "10", "--count-metrics",
                "http://127.0.0.1:" + port + "/metrics")).isEqualTo(DualchatCli.FAILURE);
        assertThat(cli.err()).startsWith("dualchat: ").doesNotContain("\tat ").hasLineCount(1);

        cli = CliRun.withInput("");
        assertThat(cli.run("bench", "udp", "127.0.0.1", "--count-file", "x", "--count-metrics",
                "http://127.0.0.1:1/metrics")).isEqualTo(DualchatCli.USAGE);
        assertThat(cli.err()).startsWith("dualchat: --count-file and --count-metrics are mutually exclusive");
    }

    @Test
    @Timeout(60)
    void idleClientsAreAllGreetedAndConnectionsThatNeverReadStillHaveEveryLinePrinted() throws Exception {
        Path out = dir.resolve("out.txt");
        // Relay on (the default): the no-read connections are sent each other's lines and read none of them.
        try (ChatServer server = new ChatServer(ChatServerConfig.builder().udpPort(0).tcpPort(0).build(),
                new PrintingSink(new FileOutputStream(out.toFile()), MessageFormat.PLAIN))) {
            server.start();
            int port = server.tcpAddress().getPort();
            CliRun idle = CliRun.withInput("");
            assertThat(idle.run("bench", "idle", "127.0.0.1", "-p", "" + port, "-c", "50", "--hold", "0", "--kv"))
                    .isZero();
            assertThat(idle.out()).startsWith("clients=50 connected=50 connect_seconds=").contains(" greeted=50 ")
                    // A crowd this small fits the server's accept queue: nobody waits for a SYN's retry.
                    .containsPattern(" greeting_p50_ms=[0-9.]+ greeting_p99_ms=[0-9.]+ greeted_after_1s=0\n");

            CliRun tcp = CliRun.withInput("");
            assertThat(tcp.run("bench", "tcp", "127.0.0.1", "-p", "" + port, "-c", "4", "--no-read", "-n", "20000",
                    "--count-file", out.toString(), "--kv")).isZero();
            assertThat(tcp.err()).isEmpty();
            assertThat(tcp.out()).contains(" received=20000 expected=20000 lost=0 ").contains(" errors=0 ");
        }
    }

    @Test
    @Timeout(30)
    void withoutACountFileSaysThatNothingWasSeen() throws Exception {
        try (ChatServer server = new ChatServer(ChatServerConfig.builder().udpPort(0).tcpPort(0).build(),
                new PrintingSink(new FileOutputStream(dir.resolve("out.txt").toFile()), MessageFormat.PLAIN))) {
            server.start();
            CliRun cli = CliRun.withInput("");
            assertThat(cli.run("bench", "udp", "127.0.0.1", "-p", "" + server.udpAddress().getPort(), "-n", "10"))
                    .isZero();
            assertThat(cli.out()).contains("  received  not seen (give --count-file with the server's output file, or --count-metrics)");
        }
    }

    @Test
    @Timeout(30)
    void relayFailsWithOneLineWhenTheServerDoesNotRelay() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            // Held, not dropped: a collected socket is closed, and the bench would say the server closed it.
            List<Socket> accepted = new CopyOnWriteArrayList<>();
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        accepted.add(silent.accept());
                    }
                } catch (java.io.IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            CliRun cli = CliRun.withInput("");
            int exit = cli.run("bench", "relay", "127.0.0.1", "-p", "" + silent.getLocalPort(), "-R", "2", "-n", "5",
                    "--wait", "1.5");
            assertThat(exit).isEqualTo(DualchatCli.FAILURE);
            assertThat(cli.err()).isEqualTo("dualchat: the probe line reached 0 of 2 receivers within 1.5 s: does the"
                    + " server at 127.0.0.1:" + silent.getLocalPort() + " relay TCP lines to the other clients?\n");
            for (Socket socket : accepted) {
                socket.close();
            }
        }
    }

    @Test
    @Timeout(10)
    void rejectsBadValuesAsUsageErrors() {
        CliRun cli = CliRun.withInput("");
        assertThat(cli.run("bench", "udp", "127.0.0.1", "--size", "65507")).isEqualTo(DualchatCli.USAGE);
        assertThat(cli.err()).isEqualTo("dualchat: Invalid value for option '--size': 65507 (expected: 1-65506)"
                + " (see 'dualchat bench udp --help')\n");

        cli = CliRun.withInput("");
        assertThat(cli.run("bench", "tcp", "127.0.0.1", "--rate", "-1")).isEqualTo(DualchatCli.USAGE);
        assertThat(cli.err()).startsWith("dualchat: Invalid value for option '--rate': -1 (expected: 0 or more)");

        cli = CliRun.withInput("");
        assertThat(cli.run("bench", "relay", "127.0.0.1", "--duration", "601")).isEqualTo(DualchatCli.USAGE);
        assertThat(cli.err()).startsWith("dualchat: Invalid value for option '--duration': 601.0 (expected: more than 0,"
                + " at most 600)");

        cli = CliRun.withInput("");
        assertThat(cli.run("bench", "relay", "127.0.0.1", "--warmup", "-1")).isEqualTo(DualchatCli.USAGE);
        assertThat(cli.err()).startsWith("dualchat: Invalid value for option '--warmup': -1.0 (expected: 0-600)");

        cli = CliRun.withInput("");
        assertThat(cli.run("bench", "tcp", "127.0.0.1", "-c", "10", "-n", "5")).isEqualTo(DualchatCli.USAGE);
        assertThat(cli.err()).startsWith("dualchat: Invalid value for option '--count': 5 (expected: 10 or more)");

        cli = CliRun.withInput("");
        assertThat(cli.run("bench")).isEqualTo(DualchatCli.USAGE);
        assertThat(cli.err()).startsWith("dualchat: Missing load: udp, tcp, relay or idle");
    }

    @Test
    @Timeout(30)
    void failsWithOneLineForAnUnknownHostOrARefusedConnection() throws Exception {
        CliRun cli = CliRun.withInput("");
        assertThat(cli.run("bench", "tcp", "no-such-host.invalid")).isEqualTo(DualchatCli.FAILURE);
        assertThat(cli.err()).isEqualTo("dualchat: unknown host 'no-such-host.invalid'\n");

        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        cli = CliRun.withInput("");
        assertThat(cli.run("bench", "tcp", "127.0.0.1", "-p", "" + port)).isEqualTo(DualchatCli.FAILURE);
        assertThat(cli.err()).isEqualTo("dualchat: cannot connect to 127.0.0.1:" + port + ": Connection refused\n");
    }
}
