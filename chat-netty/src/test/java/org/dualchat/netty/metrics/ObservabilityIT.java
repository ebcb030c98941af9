package org.dualchat.netty.metrics;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dualchat.netty.testing.ServerExtension.sendUdp;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.stats.StatsReporter;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/** The metrics endpoint, the stats log lines and the counts behind them, over real loopback sockets. */
@Timeout(60)
class ObservabilityIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Pattern SAMPLE = Pattern.compile("(?m)^(\\w+(?:\\{[^}]*})?) (\\S+)$");

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    private final HttpClient http = HttpClient.newBuilder()
            .proxy(HttpClient.Builder.NO_PROXY)
            .connectTimeout(WAIT)
            .build();
    private final Logger statsLogger = (Logger) LoggerFactory.getLogger(StatsReporter.class);
    private final ListAppender<ILoggingEvent> statsLines = new ListAppender<>();
    private Level statsLevel;

    @BeforeEach
    void captureStatsLines() {
        statsLevel = statsLogger.getLevel();
        statsLogger.setLevel(Level.INFO);
        statsLogger.setAdditive(false);
        statsLines.start();
        statsLogger.addAppender(statsLines);
    }

    @AfterEach
    void releaseStatsLines() {
        statsLogger.detachAppender(statsLines);
        statsLogger.setAdditive(true);
        statsLogger.setLevel(statsLevel);
    }

    private ChatServer startWithMetrics(LineCollector out) throws IOException {
        return servers.start(config -> config.metricsPort(0), out);
    }

    private HttpResponse<String> get(ChatServer server, String path) throws Exception {
        return send(server, HttpRequest.newBuilder(uri(server, path)).GET());
    }

    private HttpResponse<String> send(ChatServer server, HttpRequest.Builder request) throws Exception {
        return http.send(request.timeout(WAIT).build(), HttpResponse.BodyHandlers.ofString(UTF_8));
    }

    private static URI uri(ChatServer server, String path) {
        return URI.create("http://127.0.0.1:" + server.metricsAddress().getPort() + path);
    }

    /** Every sample of a scrape, by name and labels as written: {@code dualchat_drops_total{reason="denied"}}. */
    private Map<String, Double> scrape(ChatServer server) throws Exception {
        HttpResponse<String> response = get(server, "/metrics");
        assertThat(response.statusCode()).isEqualTo(200);
        Map<String, Double> samples = new HashMap<>();
        Matcher m = SAMPLE.matcher(response.body());
        while (m.find()) {
            samples.put(m.group(1), Double.parseDouble(m.group(2)));
        }
        return samples;
    }

    private Map<String, Double> awaitScrape(ChatServer server, Predicate<Map<String, Double>> condition)
            throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        Map<String, Double> samples = scrape(server);
        while (!condition.test(samples) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            samples = scrape(server);
        }
        return samples;
    }

    private List<String> statsLines() {
        synchronized (statsLines.list) {
            return statsLines.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
        }
    }

    @Test
    void metricsCountRealUdpAndTcpTraffic() throws Exception {
        LineCollector out = LineCollector.open();
        ChatServer server = servers.start(config -> config.metricsPort(0).maxLineLength(16),
                new PrintingSink(out, MessageFormat.PLAIN));
        assertThat(server.metricsAddress().getAddress().isLoopbackAddress()).as("loopback by default").isTrue();

        // Greeted first: the three UDP lines are relayed to it, and its own lines to nobody.
        Socket tcp = servers.connectGreeted(server);
        sendUdp("127.0.0.1", server, "one\ntwo\n".getBytes(UTF_8));
        sendUdp("127.0.0.1", server, new byte[] {'x', (byte) 0xff});
        tcp.getOutputStream().write(("hello\n" + "a".repeat(40) + "\n").getBytes(UTF_8));
        assertThat(out.awaitCount(7, WAIT)).hasSize(7);

        Map<String, Double> m = awaitScrape(server,
                s -> s.getOrDefault("dualchat_lines_received_total{protocol=\"tcp\"}", 0.0) >= 4
                        && s.getOrDefault("dualchat_relays_sent_total", 0.0) >= 3);
        assertThat(m).containsEntry("dualchat_datagrams_received_total", 2.0)
                .containsEntry("dualchat_lines_received_total{protocol=\"udp\"}", 3.0)
                .containsEntry("dualchat_lines_received_total{protocol=\"tcp\"}", 4.0)
                .containsEntry("dualchat_received_bytes_total{protocol=\"udp\"}", 10.0)
                .containsEntry("dualchat_received_bytes_total{protocol=\"tcp\"}", 47.0)
                .containsEntry("dualchat_lines_split_total", 1.0)
                .containsEntry("dualchat_decode_errors_total", 1.0)
                .containsEntry("dualchat_connections_total", 1.0)
                .containsEntry("dualchat_connections_current", 1.0)
                .containsEntry("dualchat_drops_total{reason=\"queue_full\"}", 0.0)
                .containsEntry("dualchat_drops_total{reason=\"rate_limit\"}", 0.0)
                .containsEntry("dualchat_drops_total{reason=\"denied\"}", 0.0)
                .containsEntry("dualchat_connections_refused_total{reason=\"total_limit\"}", 0.0)
                .containsEntry("dualchat_connections_refused_total{reason=\"per_ip_limit\"}", 0.0)
                .containsEntry("dualchat_connections_refused_total{reason=\"denied\"}", 0.0)
                .containsEntry("dualchat_relays_sent_total", 3.0)
                .containsEntry("dualchat_relays_dropped_total", 0.0)
                .containsEntry("dualchat_relays_shed_total", 0.0)
                .containsKey("process_uptime_seconds")
                .containsKey("jvm_threads_live_threads");
        assertThat(m.keySet()).anyMatch(k -> k.startsWith("jvm_memory_used_bytes{area=\"heap\""));
        if (java.nio.file.Files.isReadable(java.nio.file.Path.of("/proc/self/status"))) {
            // This JVM holds more than 10 MB, now and so at its peak.
            assertThat(m.get("process_resident_memory_bytes")).isGreaterThan(10e6);
            assertThat(m.get("process_resident_memory_peak_bytes")).isGreaterThan(10e6);
        }

        tcp.close();
        m = awaitScrape(server, s -> s.get("dualchat_connections_current") == 0.0);
        assertThat(m).containsEntry("dualchat_connections_current", 0.0)
                .containsEntry("dualchat_connections_total", 1.0);
    }

    @Test
    void metricsUseThePrometheusTextFormatOrOpenMetricsWhenAskedFor() throws Exception {
        ChatServer server = startWithMetrics(LineCollector.open());
        HttpResponse<String> text = get(server, "/metrics");
        assertThat(text.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        assertThat(text.body()).contains("# TYPE dualchat_datagrams_received_total counter",
                "dualchat_datagrams_received_total 0.0");

        HttpResponse<String> open = send(server, HttpRequest.newBuilder(uri(server, "/metrics"))
                .header("Accept", "application/openmetrics-text; version=1.0.0; charset=utf-8"));
        assertThat(open.headers().firstValue("content-type")).get().asString()
                .startsWith("application/openmetrics-text; version=1.0.0");
        assertThat(open.body()).contains("# TYPE dualchat_datagrams_received counter").endsWith("# EOF\n");
    }

    @Test
    void udpDropsForAFullQueueShowInTheMetrics() throws Exception {
        LineCollector out = LineCollector.shut();
        ChatServer server = servers.start(config -> config.metricsPort(0),
                new PrintingSink(out, MessageFormat.PLAIN, 4, Long.MAX_VALUE));
        int sent = 100;
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < sent; i++) {
                byte[] payload = ("d" + i).getBytes(UTF_8);
                socket.send(new DatagramPacket(payload, payload.length,
                        new InetSocketAddress(InetAddress.getLoopbackAddress(), server.udpAddress().getPort())));
            }
        }
        Map<String, Double> m = awaitScrape(server,
                s -> s.get("dualchat_lines_received_total{protocol=\"udp\"}") == sent);
        assertThat(m).containsEntry("dualchat_datagrams_received_total", (double) sent);
        assertThat(m.get("dualchat_drops_total{reason=\"queue_full\"}"))
                .isPositive()
                .isEqualTo((double) server.udpDropped())
                .isEqualTo((double) server.stats().dropped(ServerStats.Drop.QUEUE_FULL));
        out.release();
    }

    @Test
    void healthIsOkAndOtherPathsAndMethodsAreRefused() throws Exception {
        ChatServer server = startWithMetrics(LineCollector.open());
        HttpResponse<String> health = get(server, "/health");
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");
        assertThat(get(server, "/metrics?name=x").statusCode()).as("a query is ignored").isEqualTo(200);

        assertThat(get(server, "/").statusCode()).isEqualTo(404);
        assertThat(get(server, "/metrics/x").statusCode()).isEqualTo(404);
        HttpResponse<String> post = send(server, HttpRequest.newBuilder(uri(server, "/metrics"))
                .POST(HttpRequest.BodyPublishers.ofString("x")));
        assertThat(post.statusCode()).isEqualTo(405);
        assertThat(post.headers().firstValue("allow")).hasValue("GET");
        assertThat(send(server, HttpRequest.newBuilder(uri(server, "/health")).DELETE()).statusCode()).isEqualTo(405);
    }

    @Test
    void keepAliveServesSeveralRequestsOnOneConnectionAndHonoursClose() throws Exception {
        ChatServer server = startWithMetrics(LineCollector.open());
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.metricsAddress().getPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            OutputStream o = socket.getOutputStream();
            InputStream in = socket.getInputStream();
            // Two requests in one write (pipelined), then a third that asks to close.
            o.write("GET /health HTTP/1.1\r\nHost: x\r\n\r\nGET /nothing HTTP/1.1\r\nHost: x\r\n\r\n"
                    .getBytes(UTF_8));
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200 OK").endsWith("\r\n\r\nok\n");
            assertThat(readResponse(in)).startsWith("HTTP/1.1 404 Not Found");
            o.write("GET /health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n".getBytes(UTF_8));
            assertThat(readResponse(in)).startsWith("HTTP/1.1 200 OK");
            assertThat(in.read()).as("closed by the server").isEqualTo(-1);
        }
    }

    @Test
    void requestsAreBoundedInSize() throws Exception {
        ChatServer server = startWithMetrics(LineCollector.open());
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.metricsAddress().getPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(
                    "POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 1000000\r\n\r\n".getBytes(UTF_8));
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 413 ");
        }
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.metricsAddress().getPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write(("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + "y".repeat(20_000)
                    + "\r\n\r\n").getBytes(UTF_8));
            assertThat(readResponse(socket.getInputStream())).startsWith("HTTP/1.1 400 Bad Request");
        }
        assertThat(get(server, "/health").statusCode()).as("still serving").isEqualTo(200);
    }

    /** Reads one response with a Content-Length body, as raw text. */
    private static String readResponse(InputStream in) throws IOException {
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                throw new IOException("connection closed after: " + head);
            }
            head.append((char) b);
        }
        Matcher length = Pattern.compile("(?i)content-length: (\\d+)").matcher(head);
        int n = length.find() ? Integer.parseInt(length.group(1)) : 0;
        return head + new String(in.readNBytes(n), UTF_8);
    }

    @Test
    void aMetricsPortInUseIsAClearErrorAndLeavesNothingBound() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            ChatServer server = new ChatServer(ChatServerConfig.builder().udpPort(0).tcpPort(0)
                    .metricsPort(taken.getLocalPort()).build(),
                    new PrintingSink(LineCollector.open(), MessageFormat.PLAIN));
            servers.closeAfterEach(server);
            assertThatThrownBy(server::start).isInstanceOf(IOException.class)
                    .hasMessage("metrics HTTP 127.0.0.1:" + taken.getLocalPort() + ": Address already in use");
            assertThat(statsLines()).as("no stats for a server that never served").isEmpty();
        }
    }

    @Test
    void noMetricsEndpointUnlessAskedFor() throws Exception {
        ChatServer server =
                servers.start(config -> { }, LineCollector.open());
        assertThat(server.metricsAddress()).isNull();
    }

    @Test
    void aStatsLineWhileTrafficFlowsNoneWhileQuietAndOneAtShutdown() throws Exception {
        LineCollector out = LineCollector.open();
        ChatServer server = servers.start(config -> config.statsInterval(Duration.ofMillis(100)),
                new PrintingSink(out, MessageFormat.PLAIN));
        Thread.sleep(500);
        assertThat(statsLines()).as("nothing happened: nothing said").isEmpty();

        sendUdp("127.0.0.1", server, "hello\n".getBytes(UTF_8));
        out.awaitCount(1, WAIT);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (statsLines().isEmpty() && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(statsLines()).containsExactly("Stats: lines 1 (+1 in the last 100 ms; udp 1, tcp 0), commands 0, datagrams 1,"
                + " bytes 6 (udp 6, tcp 0), connections 0 open, 0 in all, 0 refused, drops 0, relays 0 sent,"
                + " 0 dropped, lines split 0, decode errors 0");
        Thread.sleep(500);
        assertThat(statsLines()).as("quiet again: nothing more").hasSize(1);

        Socket tcp = servers.connectGreeted(server);
        tcp.getOutputStream().write("bye\n".getBytes(UTF_8));
        out.awaitCount(2, WAIT);
        server.close();
        List<String> lines = statsLines();
        assertThat(lines.get(lines.size() - 1)).isEqualTo("Stats at shutdown: lines 2 (udp 1, tcp 1), commands 0, datagrams 1,"
                + " bytes 10 (udp 6, tcp 4), connections 0 open, 1 in all, 0 refused, drops 0, relays 0 sent,"
                + " 0 dropped, lines split 0, decode errors 0");
        assertThat(lines.stream().filter(l -> l.startsWith("Stats at shutdown"))).hasSize(1);
    }
}
