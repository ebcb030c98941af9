package org.dualchat.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.FileOutputStream;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.common.TransportType;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The load generators against a real server on loopback, counting what it printed to a file. */
@Timeout(120)
class LoadIT {

    private static final Duration QUIET = Duration.ofSeconds(2);
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    private Path output;
    private ChatServer server;

    @BeforeEach
    void startServer() throws IOException {
        output = dir.resolve("out.txt");
        // Lines are counted whole. The kernel may take part of a generator's write and the rest when the
        // socket drains; on a loaded machine the generator's loop can be more than the default 200 ms late
        // with that rest, and the server then prints the line in two pieces (a clean clone's run once saw
        // 100,002 lines for 100,001). So the server waits for each newline.
        server = servers.start(config -> config.partialLineTimeout(Duration.ZERO),
                new FileOutputStream(output.toFile()));
    }

    private static LoadSpec spec(int port, long rate, int size, int connections, long count, Duration max,
            TransportType transport, int batch) {
        return new LoadSpec("127.0.0.1", port, rate, size, connections, count, max, transport, batch);
    }

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"AUTO", "NIO"})
    void udpSendsEveryDatagramAndCountsWhatTheServerPrinted(TransportType transport) throws Exception {
        // A rate the server keeps up with even on a busy machine: the 4 MB receive buffer holds seconds of it.
        LoadSpec spec = spec(server.udpAddress().getPort(), 2_000, 100, 2, 2_000, Duration.ofSeconds(30),
                transport, 16);
        LoadResult result = UdpLoad.run(spec, new FileLineCounter(output), QUIET, WAIT);

        assertThat(result.sent()).isEqualTo(2_000);
        assertThat(result.timedOut()).isFalse();
        assertThat(result.received()).isEqualTo(2_000);
        assertThat(result.lost()).isZero();
        assertThat(result.errors()).isZero();
        // The rate holds the senders back: 2,000 at 2,000/s cannot take much less than a second.
        assertThat(result.sendNanos()).isGreaterThan(Duration.ofMillis(900).toNanos());
        List<String> lines = Files.readAllLines(output, StandardCharsets.UTF_8);
        assertThat(lines).hasSize(2_000).allSatisfy(line -> assertThat(line).matches("127\\.0\\.0\\.1 : [a-zA-Z0-9]{100}"));
    }

    @Test
    void udpStopsAtItsDurationWhateverTheCount() throws Exception {
        LoadSpec spec = spec(server.udpAddress().getPort(), 1_000, 10, 1, 1_000_000, Duration.ofMillis(500),
                TransportType.AUTO, 0);
        LoadResult result = UdpLoad.run(spec, ReceivedCounter.NONE, QUIET, WAIT);

        assertThat(result.timedOut()).isTrue();
        assertThat(result.sent()).isBetween(1L, 600L);
        assertThat(result.received()).as("nothing seen without a counter").isEqualTo(-1);
        assertThat(result.lost()).isEqualTo(-1);
    }

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"AUTO", "NIO"})
    void tcpDeliversEveryLineOverManyConnections(TransportType transport) throws Exception {
        LoadSpec spec = spec(server.tcpAddress().getPort(), 0, 64, 10, 100_001, Duration.ofSeconds(60), transport, 0);
        LoadResult result = TcpLoad.run(spec, new FileLineCounter(output), QUIET, WAIT);

        assertThat(result.sent()).isEqualTo(100_001);
        assertThat(result.received()).isEqualTo(100_001);
        assertThat(result.lost()).isZero();
        assertThat(result.receiveRate()).isPositive();
        assertThat(Files.readAllLines(output, StandardCharsets.UTF_8))
                .hasSize(100_001)
                .allSatisfy(line -> assertThat(line).matches("127\\.0\\.0\\.1 : [a-zA-Z0-9]{64}"));
    }

    @Test
    void tcpOneLinePerWriteLosesNothing() throws Exception {
        LoadSpec spec = spec(server.tcpAddress().getPort(), 0, 20, 50, 5_000, Duration.ofSeconds(60),
                TransportType.AUTO, 1);
        LoadResult result = TcpLoad.run(spec, new FileLineCounter(output), QUIET, WAIT);

        assertThat(result.sent()).isEqualTo(5_000);
        assertThat(result.received()).isEqualTo(5_000);
    }

    @Test
    void relayTimesEveryMessageAtEveryReceiver() throws Exception {
        try (StubRelay relay = new StubRelay()) {
            LoadSpec spec = spec(relay.port(), 500, 64, 2, 400, Duration.ofSeconds(30), TransportType.AUTO, 0);
            LoadResult result = RelayLoad.run(spec, 5, QUIET, WAIT);

            assertThat(result.sent()).isEqualTo(400);
            assertThat(result.expected()).isEqualTo(2_000);
            assertThat(result.received()).isEqualTo(2_000);
            assertThat(result.latency().count()).isEqualTo(2_000);
            assertThat(result.latency().p50()).isPositive().isLessThanOrEqualTo(result.latency().p99());
            assertThat(result.latency().p99()).isLessThanOrEqualTo(result.latency().max());
            assertThat(result.sendNanos()).as("400 at 500/s").isGreaterThan(Duration.ofMillis(700).toNanos());
            // Every message went to the 6 other clients: each sender's probe reached the receivers before the
            // run started. The second sender's probe went to all 6; the first's to the receivers, and to the
            // second sender if the stub had registered it by then. The run ends once the receivers have every
            // line, which can be while the stub's loop is still writing a last line to the senders: let it
            // finish counting.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (relay.lines() < 400L * 6 + 11 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(relay.lines()).isBetween(400L * 6 + 11, 400L * 6 + 12);
        }
    }

    @Test
    void relayWarmUpIsSentThroughTheSameClientsAndLeftOutOfTheFigures() throws Exception {
        try (StubRelay relay = new StubRelay()) {
            LoadSpec spec = spec(relay.port(), 500, 64, 2, 200, Duration.ofSeconds(30), TransportType.AUTO, 0);
            LoadResult result = RelayLoad.run(spec, 5, 0, QUIET, WAIT, List.of(), Duration.ofMillis(400));

            // 500/s for 0.4 s: about 200 warm-up lines, each read by the 5 receivers, none counted in the run.
            assertThat(result.warmUp().sent()).isBetween(150L, 200L);
            assertThat(result.warmUp().received()).isEqualTo(result.warmUp().sent() * 5);
            assertThat(result.warmUp().latency().count()).isEqualTo(result.warmUp().sent() * 5);
            assertThat(result.warmUp().sendNanos()).isGreaterThan(Duration.ofMillis(300).toNanos());
            assertThat(result.sent()).isEqualTo(200);
            assertThat(result.received()).isEqualTo(1_000);
            assertThat(result.latency().count()).isEqualTo(1_000);
            // The senders still half-close once the run proper is over, and read to the end: the stub saw all.
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            long all = (200 + result.warmUp().sent()) * 6 + 11;
            while (relay.lines() < all && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(relay.lines()).isBetween(all, all + 1);
        }
    }

    @Test
    void relayThroughTheServersOwnRoom() throws Exception {
        ChatServer relaying = servers.start(config -> config.maxConnectionsPerIp(100),
                new FileOutputStream(dir.resolve("relay.txt").toFile()));
        LoadSpec spec = spec(relaying.tcpAddress().getPort(), 1_000, 64, 1, 500, Duration.ofSeconds(30),
                TransportType.AUTO, 0);
        LoadResult result = RelayLoad.run(spec, 20, QUIET, WAIT);

        assertThat(result.sent()).isEqualTo(500);
        assertThat(result.received()).isEqualTo(500 * 20);
        assertThat(result.latency().count()).isEqualTo(500 * 20);
    }

    @Test
    void relayWithTalkersAndIdleClientsReadsTheServersPeakMemory() throws Exception {
        ChatServer relaying = servers.start(config -> config.maxConnectionsPerIp(100).metricsPort(0),
                new FileOutputStream(dir.resolve("talkers.txt").toFile()));
        LoadSpec spec = spec(relaying.tcpAddress().getPort(), 2_000, 64, 10, 1_000, Duration.ofSeconds(30),
                TransportType.AUTO, 0);
        LoadResult result = RelayLoad.run(spec, 5, 10, QUIET, WAIT);

        assertThat(result.sent()).isEqualTo(1_000);
        // Each receiver gets every talker's lines; the idle clients hold up nobody.
        assertThat(result.received()).isEqualTo(1_000 * 5);
        Map<String, Long> server = ServerReadings.read(
                URI.create("http://127.0.0.1:" + relaying.metricsAddress().getPort() + "/metrics"));
        assertThat(server.get("relays_sent")).as("to the receivers and the other talkers")
                .isGreaterThanOrEqualTo(1_000L * 5);
        if (Files.isReadable(Path.of("/proc/self/status"))) {
            assertThat(server.get("peak_rss_bytes")).isGreaterThan(10_000_000L);
        }
    }

    @Test
    void relayNamesAConnectionLimitThatClosedReceivers() throws Exception {
        ChatServer limited = servers.start(config -> config.maxConnectionsPerIp(3).limitLoopback(true),
                new FileOutputStream(dir.resolve("limited.txt").toFile()));
        LoadSpec spec = spec(limited.tcpAddress().getPort(), 100, 64, 1, 10, Duration.ofSeconds(5),
                TransportType.AUTO, 0);
        assertThatThrownBy(() -> RelayLoad.run(spec, 5, QUIET, WAIT))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("the server closed ")
                .hasMessageEndingWith(" of 5 receiving clients (a connection limit? dualchat's --max-connections,"
                        + " or --max-connections-per-ip with --limit-loopback)");
    }

    @Test
    void relaySaysSoWhenTheServerDoesNotRelay() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try {
                    while (true) {
                        silent.accept();
                    }
                } catch (IOException e) {
                    // closed: the test is over
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            LoadSpec spec = spec(silent.getLocalPort(), 100, 64, 1, 10, Duration.ofSeconds(5), TransportType.AUTO, 0);
            assertThatThrownBy(() -> RelayLoad.run(spec, 2, QUIET, WAIT, Duration.ofMillis(500)))
                    .isInstanceOf(IOException.class)
                    .hasMessage("the probe line reached 0 of 2 receivers within 0.5 s: does the server at "
                            + "127.0.0.1:" + silent.getLocalPort() + " relay TCP lines to the other clients?");
        }
    }

    @Test
    void refusesAConnectionThatNobodyAccepts() throws Exception {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        LoadSpec spec = spec(port, 0, 64, 1, 10, Duration.ofSeconds(5), TransportType.AUTO, 0);
        assertThatThrownBy(() -> TcpLoad.run(spec, ReceivedCounter.NONE, QUIET, WAIT))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot connect to 127.0.0.1:" + port + ": Connection refused");
    }
}
