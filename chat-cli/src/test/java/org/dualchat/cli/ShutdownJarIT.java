package org.dualchat.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The jar stopped by signals as a service manager or a user stops it: nothing it accepted before the signal
 * is lost, at whatever moment the signal comes, and the exit code says how it stopped.
 */
@Timeout(90)
class ShutdownJarIT {

    private static final Pattern LISTENING = Pattern.compile("Listening on UDP \\S+:(\\d+) and TCP \\S+:(\\d+)");
    private static final Pattern METRICS = Pattern.compile("Metrics on http://127\\.0\\.0\\.1:(\\d+)/metrics");
    private static final Pattern FINAL_STATS =
            Pattern.compile("Stats at shutdown: lines (\\d+) \\(udp (\\d+), tcp (\\d+)\\)");
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path dir;

    private final List<Process> processes = new ArrayList<>();
    private Path stdout;
    private Path stderr;
    private Process server;
    private int udpPort;
    private int tcpPort;

    @AfterEach
    void stopProcesses() {
        for (Process p : processes) {
            p.destroyForcibly();
        }
    }

    private static Path jar() {
        Path jar = Paths.get(System.getProperty("dualchat.jar", "target/dualchat.jar"));
        assertThat(jar).as("the shaded jar, built by 'mvn package'").exists();
        return jar;
    }

    private Process launch(String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(
                Paths.get(System.getProperty("java.home"), "bin", "java").toString(), "-jar", jar().toString()));
        command.addAll(List.of(args));
        stdout = dir.resolve("stdout.txt");
        stderr = dir.resolve("stderr.txt");
        server = new ProcessBuilder(command).redirectOutput(stdout.toFile()).redirectError(stderr.toFile()).start();
        server.getOutputStream().close();
        processes.add(server);
        return server;
    }

    /** Starts the server on free ports with {@code args}, and waits until it listens. */
    private String start(String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of("--udp-port", "0", "--tcp-port", "0"));
        all.addAll(List.of(args));
        launch(all.toArray(new String[0]));
        String log = await(stderr, text -> LISTENING.matcher(text).find() || !server.isAlive());
        Matcher m = LISTENING.matcher(log);
        assertThat(m.find()).as("server start-up log: %s", log).isTrue();
        udpPort = Integer.parseInt(m.group(1));
        tcpPort = Integer.parseInt(m.group(2));
        return log;
    }

    private static String await(Path file, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String text = Files.exists(file) ? Files.readString(file, UTF_8) : "";
        while (!condition.test(text) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            text = Files.exists(file) ? Files.readString(file, UTF_8) : "";
        }
        return text;
    }

    /** Sends SIGTERM and waits for the exit; returns the exit code. */
    private int sigterm() throws Exception {
        server.destroy();
        assertThat(server.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("stopped after SIGTERM").isTrue();
        return server.exitValue();
    }

    private List<String> printed() throws IOException {
        return Files.readAllLines(stdout, UTF_8);
    }

    /** The final stats line's {lines, udp, tcp}. */
    private long[] finalStats() throws IOException {
        String log = Files.readString(stderr, UTF_8);
        Matcher m = FINAL_STATS.matcher(log);
        assertThat(m.find()).as("final stats line in %s", log).isTrue();
        return new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2)), Long.parseLong(m.group(3))};
    }

    private static byte[] lines(String prefix, int from, int n) {
        StringBuilder text = new StringBuilder(n * (prefix.length() + 8));
        for (int i = from; i < from + n; i++) {
            text.append(prefix).append(i).append('\n');
        }
        return text.toString().getBytes(UTF_8);
    }

    private static Socket connect(int port) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    private static void assertInOrder(List<String> printed, String prefix, int n) {
        assertThat(printed).hasSize(n);
        for (int i = 0; i < n; i++) {
            if (!printed.get(i).equals("127.0.0.1 : " + prefix + i)) {
                assertThat(printed.get(i)).as("line %d of %d", i, n).isEqualTo("127.0.0.1 : " + prefix + i);
            }
        }
    }

    @ParameterizedTest(name = "client {0}")
    @ValueSource(strings = {"keeps its connection open", "closes politely"})
    void everyLineSentBeforeSigtermIsPrintedAndTheExitIsZero(String client) throws Exception {
        start("--no-relay");
        int n = 200_000;
        try (Socket socket = connect(tcpPort)) {
            InputStream in = socket.getInputStream();
            assertThat(new String(in.readNBytes("Server connected\n".length()), UTF_8)).isEqualTo("Server connected\n");
            // write() returns once the kernel has the bytes: most of them wait in the two socket buffers.
            socket.getOutputStream().write(lines("line ", 0, n));
            boolean open = client.startsWith("keeps");
            if (!open) {
                socket.close();
            }
            assertThat(sigterm()).isZero();
            if (open) {
                // Told why, then an orderly end of stream: the server closed with nothing of ours unread.
                assertThat(new String(in.readAllBytes(), UTF_8)).isEqualTo("* server shutting down\n");
            }
        }
        assertInOrder(printed(), "line ", n);
        assertThat(finalStats()).containsExactly(n, 0, n);
    }

    @Test
    void datagramsWaitingInTheReceiveBufferAtSigtermArePrinted() throws Exception {
        start("--no-relay", "--udp-rcvbuf", String.valueOf(64 * 1024 * 1024));
        int warmUp = 10_000;
        int n = 20_000;
        long kernelDropsBefore;
        try (DatagramChannel udp = DatagramChannel.open()) {
            udp.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort));
            // A server that has run a while: its receive path compiled, not interpreted.
            send(udp, "warm-up ", warmUp, 20_000);
            await(stdout, text -> text.lines().count() >= warmUp);
            kernelDropsBefore = udpReceiveBufferErrors();
            send(udp, "datagram ", n, 100_000);
        }
        int exit = sigterm();
        long kernelDrops = udpReceiveBufferErrors() - kernelDropsBefore;
        assertThat(exit).isZero();
        List<String> printed = printed().stream().filter(line -> line.startsWith("127.0.0.1 : datagram ")).toList();
        // RcvbufErrors counts every socket on the machine: other processes' drops may be in it too.
        assertThat(printed.size() + kernelDrops).as("datagrams printed, plus those the kernel dropped").isGreaterThanOrEqualTo(n);
        assertThat(printed).as("the kernel dropped %d datagrams for a full receive buffer (RcvbufErrors in"
                + " /proc/net/snmp) before the server could read them: too loaded a machine for 100,000/s?",
                kernelDrops).hasSize(n);
        assertThat(printed.stream().distinct().count()).isEqualTo(n);
        assertThat(finalStats()).containsExactly(warmUp + n, warmUp + n, 0);
    }

    /** Sends {@code n} datagrams at {@code perSecond}, paced every 100. */
    private static void send(DatagramChannel udp, String prefix, int n, long perSecond) throws IOException {
        long started = System.nanoTime();
        long nanosEach = 1_000_000_000L / perSecond;
        for (int i = 0; i < n; i++) {
            udp.write(ByteBuffer.wrap((prefix + i).getBytes(UTF_8)));
            if (i % 100 == 99) {
                long due = started + (i + 1) * nanosEach;
                while (System.nanoTime() < due) {
                    LockSupport.parkNanos(due - System.nanoTime());
                }
            }
        }
    }

    @Test
    void sigtermAtTheFirstInstantThePortAcceptsExitsZeroAndLosesNothing() throws Exception {
        int port;
        try (ServerSocket probe = new ServerSocket(0, 1, InetAddress.getByName("0.0.0.0"))) {
            port = probe.getLocalPort();
        }
        launch("--udp-port", "0", "--tcp-port", String.valueOf(port), "--no-relay");
        long deadline = System.nanoTime() + WAIT.toNanos();
        Socket socket = null;
        while (socket == null) {
            assertThat(System.nanoTime()).as("the port accepted within %s", WAIT).isLessThan(deadline);
            assertThat(server.isAlive()).as("the server is starting").isTrue();
            try {
                socket = new Socket(InetAddress.getLoopbackAddress(), port);
            } catch (IOException e) {
                Thread.sleep(1);
            }
        }
        try (Socket first = socket) {
            first.getOutputStream().write("first in\n".getBytes(UTF_8));
            assertThat(sigterm()).isZero();
        }
        assertThat(printed()).containsExactly("127.0.0.1 : first in");
    }

    @Test
    void aSecondSignalStopsAtOnceAfterPrintingWhatWasAccepted() throws Exception {
        start("--no-relay", "--shutdown-grace", "120");
        Thread sender = new Thread(() -> {
            try (Socket socket = connect(tcpPort)) {
                OutputStream out = socket.getOutputStream();
                long giveUp = System.nanoTime() + WAIT.toNanos();
                for (int i = 0; System.nanoTime() < giveUp; i += 100) {
                    out.write(lines("n ", i, 100));
                    Thread.sleep(1);
                }
            } catch (IOException | InterruptedException e) {
                // the server closed the connection: the test is over
            }
        }, "never-quiet-sender");
        sender.start();
        try {
            await(stdout, text -> text.length() > 10_000);
            server.destroy();
            await(stderr, text -> text.contains("SIGTERM received"));
            Thread.sleep(1_000);
            assertThat(server.isAlive()).as("still reading a client that never goes quiet").isTrue();
            long second = System.nanoTime();
            assertThat(sigterm()).isEqualTo(128 + 15);
            assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - second)).as("ms to stop").isLessThan(5_000);
        } finally {
            sender.join(WAIT.toMillis());
        }
        String out = Files.readString(stdout, UTF_8);
        assertThat(out).endsWith("\n");
        List<String> printed = printed();
        assertThat(printed).allMatch(line -> line.matches("127\\.0\\.0\\.1 : n( \\d*)?"));
        assertThat(finalStats()[2]).as("every line taken was printed").isEqualTo(printed.size());
        assertThat(Files.readString(stderr, UTF_8)).contains("still sending after the stop was cut short");
    }

    @Test
    void theCountsAgreeWithWhatWasPrinted() throws Exception {
        String log = start("--metrics-port", "0");
        Matcher metricsPort = METRICS.matcher(log);
        assertThat(metricsPort.find()).as(log).isTrue();
        try (DatagramChannel udp = DatagramChannel.open()) {
            udp.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), udpPort));
            for (int i = 0; i < 300; i++) {
                udp.write(ByteBuffer.wrap(("udp " + i).getBytes(UTF_8)));
            }
            for (int c = 0; c < 3; c++) {
                try (Socket socket = connect(tcpPort)) {
                    socket.getOutputStream().write(lines("tcp " + c + " ", 0, 1_000));
                    socket.shutdownOutput();
                    socket.getInputStream().readAllBytes();
                }
            }
            await(stdout, text -> text.lines().count() >= 3_300);
            Map<String, String> samples = scrape(Integer.parseInt(metricsPort.group(1)));
            List<String> printed = printed();
            assertThat(printed).hasSize(3_300);
            assertThat(samples)
                    .containsEntry("dualchat_lines_received_total{protocol=\"udp\"}", count(printed, "udp "))
                    .containsEntry("dualchat_lines_received_total{protocol=\"tcp\"}", count(printed, "tcp "))
                    .containsEntry("dualchat_drops_total{reason=\"queue_full\"}", "0.0");

            // More of both just before the stop, left for the stop to read.
            try (Socket late = connect(tcpPort)) {
                late.getOutputStream().write(lines("tcp late ", 0, 5_000));
                for (int i = 0; i < 500; i++) {
                    udp.write(ByteBuffer.wrap(("udp late " + i).getBytes(UTF_8)));
                }
                assertThat(sigterm()).isZero();
            }
        }
        List<String> printed = printed();
        assertThat(printed).hasSize(3_300 + 5_500);
        assertThat(finalStats()).containsExactly(printed.size(),
                Long.parseLong(count(printed, "udp ").replace(".0", "")),
                Long.parseLong(count(printed, "tcp ").replace(".0", "")));
    }

    private static String count(List<String> printed, String prefix) {
        return printed.stream().filter(line -> line.startsWith("127.0.0.1 : " + prefix)).count() + ".0";
    }

    private static Map<String, String> scrape(int port) throws Exception {
        HttpClient http = HttpClient.newBuilder().proxy(HttpClient.Builder.NO_PROXY).connectTimeout(WAIT).build();
        HttpResponse<String> scrape = http.send(HttpRequest.newBuilder(
                URI.create("http://127.0.0.1:" + port + "/metrics")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(scrape.statusCode()).isEqualTo(200);
        Map<String, String> samples = new HashMap<>();
        Matcher sample = Pattern.compile("(?m)^(\\w+(?:\\{[^}]*})?) (\\S+)$").matcher(scrape.body());
        while (sample.find()) {
            samples.put(sample.group(1), sample.group(2));
        }
        return samples;
    }

    /** The kernel's count of UDP datagrams dropped for a full receive buffer, all sockets; 0 if unknown. */
    private static long udpReceiveBufferErrors() {
        try {
            List<String> snmp = Files.readAllLines(Paths.get("/proc/net/snmp"));
            for (int i = 0; i + 1 < snmp.size(); i++) {
                if (snmp.get(i).startsWith("Udp: ") && snmp.get(i + 1).startsWith("Udp: ")) {
                    List<String> names = List.of(snmp.get(i).split(" "));
                    String[] values = snmp.get(i + 1).split(" ");
                    return Long.parseLong(values[names.indexOf("RcvbufErrors")]);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux: the failure message says 0
        }
        return 0;
    }
}
