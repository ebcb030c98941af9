package org.dualchat.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.dualchat.netty.testing.JarProcesses.jar;
import static org.dualchat.netty.testing.JarProcesses.java;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dualchat.netty.testing.JarProcess;
import org.dualchat.netty.testing.JarProcesses;
import org.dualchat.netty.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar's output formats, metrics endpoint, stats lines and logging, as an operator uses them. */
@Timeout(60)
class ObservabilityJarIT {

    private static final Pattern METRICS = Pattern.compile("Metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final Duration WAIT = JarProcesses.WAIT;

    @RegisterExtension
    final JarProcesses dualchat = new JarProcesses();

    @TempDir
    Path dir;

    private JarProcess server;
    private int udpPort;
    private int tcpPort;

    /** Starts the server on free ports with {@code jvmOptions} and {@code args}, and waits until it listens. */
    private String startServer(List<String> jvmOptions, String... args) throws Exception {
        server = dualchat.startServer(jvmOptions, args);
        udpPort = server.udpPort();
        tcpPort = server.tcpPort();
        return server.stderr();
    }

    /** Sends one UDP message and one TCP line, from 127.0.0.1. */
    private void sendBoth(String udpText, String tcpLine) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            byte[] payload = udpText.getBytes(UTF_8);
            socket.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), udpPort));
        }
        try (Socket tcp = new Socket(InetAddress.getLoopbackAddress(), tcpPort)) {
            tcp.setSoTimeout((int) WAIT.toMillis());
            InputStream in = tcp.getInputStream();
            in.readNBytes("Server connected\n".length());
            OutputStream o = tcp.getOutputStream();
            o.write((tcpLine + "\n").getBytes(UTF_8));
            tcp.shutdownOutput();
            // The server closes once it has read the half-close: the line is in. (What it relays meanwhile,
            // such as the datagram above, is read and ignored.)
            in.readAllBytes();
        }
    }

    private void stopServer() throws Exception {
        assertThat(server.stop()).isZero();
    }

    @Test
    void jsonLinesOnStdoutAndTheShutdownSummaryOnStderr() throws Exception {
        startServer(List.of(), "--format", "json", "--color", "always", "--log-level", "debug");
        sendBoth("héllo \u001b[2J\n", "tcp line");
        server.awaitStdout(text -> text.lines().count() >= 2);
        stopServer();

        List<Map<String, Object>> objects = new ArrayList<>();
        for (String line : server.stdoutLines()) {
            assertThat(line).doesNotContain("\u001b");
            objects.add(parse(line));
        }
        assertThat(objects).hasSize(2);
        Map<String, Object> udp = objects.stream().filter(o -> o.get("protocol").equals("udp")).findFirst().get();
        assertThat(udp).containsEntry("ip", "127.0.0.1").containsEntry("text", "héllo \u001b[2J")
                .doesNotContainKey("nick");
        assertThat((String) udp.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        assertThat((Integer) udp.get("port")).isPositive();
        Map<String, Object> tcp = objects.stream().filter(o -> o.get("protocol").equals("tcp")).findFirst().get();
        assertThat(tcp).containsEntry("text", "tcp line");

        String log = server.stderr();
        assertThat(log).contains("Stats at shutdown: lines 2 (udp 1, tcp 1), commands 0, datagrams 1,")
                .contains("connections 0 open, 1 in all")
                .containsPattern("DEBUG .*Server stopped");
        // The built-in configuration (DefaultLogging, a Logback service in the jar): time level logger - message.
        assertThat(log.lines())
                .anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} INFO  ChatServer - Listening on UDP .*"))
                .anyMatch(l -> l.matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} DEBUG ChatServer - Server stopped"));
    }

    @Test
    void metricsTimestampsColourAndPeriodicStatsFromTheShadedJar() throws Exception {
        String log = startServer(List.of(), "--metrics-port", "0", "--timestamps", "--color", "always",
                "--stats-interval", "1");
        Matcher m = METRICS.matcher(log);
        assertThat(m.find()).as("metrics address in the log: %s", log).isTrue();
        URI metrics = URI.create("http://127.0.0.1:" + m.group(1) + "/metrics");

        sendBoth("udp text", "tcp text");
        String out = server.awaitStdout(text -> text.lines().count() >= 2);
        String time = "\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z";
        assertThat(out.lines()).anyMatch(line -> line.matches(
                time + " \u001b\\[36m127\\.0\\.0\\.1\u001b\\[0m : udp text"));
        assertThat(out.lines()).anyMatch(line -> line.endsWith(" \u001b[32m127.0.0.1\u001b[0m : tcp text"));

        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(WAIT).build();
        HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(metrics).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        assertThat(scrape.headers().firstValue("content-type")).hasValue("text/plain; version=0.0.4; charset=utf-8");
        Map<String, String> samples = new HashMap<>();
        Matcher sample = Pattern.compile("(?m)^(\\w+(?:\\{[^}]*})?) (\\S+)$").matcher(scrape.body());
        while (sample.find()) {
            samples.put(sample.group(1), sample.group(2));
        }
        assertThat(samples).containsEntry("dualchat_datagrams_received_total", "1.0")
                .containsEntry("dualchat_lines_received_total{protocol=\"udp\"}", "1.0")
                .containsEntry("dualchat_lines_received_total{protocol=\"tcp\"}", "1.0")
                .containsEntry("dualchat_received_bytes_total{protocol=\"tcp\"}", "9.0")
                .containsEntry("dualchat_connections_total", "1.0")
                .containsEntry("dualchat_drops_total{reason=\"queue_full\"}", "0.0")
                .containsKey("jvm_gc_memory_allocated_bytes_total");
        HttpResponse<String> health = http.send(
                HttpRequest.newBuilder(metrics.resolve("/health")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(health.statusCode()).isEqualTo(200);
        assertThat(health.body()).isEqualTo("ok\n");

        String periodic = server.awaitStderr(text -> text.contains("Stats: lines 2 ("));
        assertThat(periodic).containsPattern("Stats: lines 2 \\(\\+\\d in the last 1 s; udp 1, tcp 1\\)");
        stopServer();
    }

    @Test
    void anOperatorsOwnLogbackConfigurationReplacesOurs() throws Exception {
        Path config = dir.resolve("my-logback.xml");
        Files.writeString(config, "<configuration>\n"
                + "  <appender name=\"ERR\" class=\"ch.qos.logback.core.ConsoleAppender\">\n"
                + "    <target>System.err</target>\n"
                + "    <encoder><pattern>MINE %level [%logger] %msg%n</pattern></encoder>\n"
                + "  </appender>\n"
                + "  <root level=\"INFO\"><appender-ref ref=\"ERR\"/></root>\n"
                + "</configuration>\n", UTF_8);
        String log = startServer(List.of("-Dlogback.configurationFile=" + config));
        assertThat(log).contains("MINE INFO [org.dualchat.netty.ChatServer] Listening on UDP");
        // Traffic first, as in use: a SIGTERM in the instant between "Listening" and the signal handler's
        // installation would end the JVM the default way (exit 143).
        sendBoth("one", "two");
        server.awaitStdout(text -> text.lines().count() >= 2);
        stopServer();
        assertThat(server.stderr().lines().filter(l -> !l.isBlank()))
                .allMatch(line -> line.startsWith("MINE "));
    }

    @Test
    void onATerminalSendersAreColouredUnlessNoColorIsSet() throws Exception {
        Tools.require("tmux", "tmux");
        assertThat(terminalScreen(false)).contains("\u001b[36m127.0.0.1");
        String plain = terminalScreen(true);
        assertThat(plain).contains("127.0.0.1 : hello on a terminal").doesNotContain("\u001b[");
    }

    /** Runs the server in a private tmux terminal, sends it one datagram and returns the screen with its colours. */
    private String terminalScreen(boolean noColor) throws Exception {
        // A private tmux server for each screen: a new server on the socket of one just killed may die at
        // start ("server exited unexpectedly").
        String tmux = "tmux -L dualchat-obs-" + ProcessHandle.current().pid() + "-" + System.nanoTime();
        Path err = dir.resolve("terminal-stderr-" + noColor + ".txt");
        String env = noColor ? "NO_COLOR=1 " : "";
        try {
            String started = shell(tmux + " new-session -d -s obs -x 120 -y 10 '" + env + java() + " -jar "
                    + jar() + " --udp-port 0 --tcp-port 0 2>" + err + "; sleep 30' 2>&1 && "
                    + tmux + " has-session -t obs 2>&1");
            assertThat(started).as("tmux's complaints").isEmpty();
            String log = JarProcesses.await(err, text -> JarProcess.LISTENING.matcher(text).find());
            Matcher m = JarProcess.LISTENING.matcher(log);
            assertThat(m.find()).as("server start-up log: %s; screen: %s", log,
                    shell(tmux + " capture-pane -p -t obs 2>&1")).isTrue();
            udpPort = Integer.parseInt(m.group(1));
            try (DatagramSocket socket = new DatagramSocket()) {
                byte[] payload = "hello on a terminal".getBytes(UTF_8);
                socket.send(new DatagramPacket(payload, payload.length, InetAddress.getLoopbackAddress(), udpPort));
            }
            long deadline = System.nanoTime() + WAIT.toNanos();
            String screen = shell(tmux + " capture-pane -e -p -t obs");
            while (!screen.contains("hello on a terminal") && System.nanoTime() < deadline) {
                Thread.sleep(50);
                screen = shell(tmux + " capture-pane -e -p -t obs");
            }
            assertThat(screen).contains("hello on a terminal");
            return screen;
        } finally {
            shell(tmux + " kill-server");
        }
    }

    private static Map<String, Object> parse(String line) throws IOException {
        Map<String, Object> fields = new HashMap<>();
        try (JsonParser p = new JsonFactory().createParser(line)) {
            assertThat(p.nextToken()).isEqualTo(JsonToken.START_OBJECT);
            while (p.nextToken() == JsonToken.FIELD_NAME) {
                String name = p.currentName();
                JsonToken value = p.nextToken();
                fields.put(name, value == JsonToken.VALUE_NUMBER_INT ? (Object) p.getIntValue() : p.getText());
            }
            assertThat(p.nextToken()).isNull();
        }
        return fields;
    }

    /** Runs a shell command, bounded in time, and returns its stdout. */
    private String shell(String command) throws Exception {
        return dualchat.shell(command);
    }
}
