package org.dualchat.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.testing.JarProcess;
import org.dualchat.netty.testing.JarProcesses;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The relaying server under {@code java -Xmx64m}, flooded by talkers while a crowd of members never reads a
 * byte: no {@code OutOfMemoryError}, every line printed, a new client served afterwards, and a SIGTERM exit
 * 0 within 10 s. A suite-sized run of the 2,000 idle members and 1,000 talkers (the full run is in
 * {@code docs/performance.md}).
 */
@Timeout(120)
class SmallHeapJarIT {

    private static final int IDLE = 200;
    private static final int TALKERS = 20;
    private static final int LINES = 500;
    /** Enough text that the relays to the idle members are many times the heap if they were all kept. */
    private static final String PAD = "x".repeat(200);

    @RegisterExtension
    final JarProcesses dualchat = new JarProcesses();

    private final List<Socket> sockets = new ArrayList<>();
    private final ExecutorService threads = Executors.newCachedThreadPool();

    @AfterEach
    void closeAll() throws IOException {
        threads.shutdownNow();
        for (Socket socket : sockets) {
            socket.close();
        }
    }

    private Socket connect(int port, int receiveBuffer) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 10_000);
        socket.setSoTimeout(60_000);
        return socket;
    }

    /** Reads {@code socket} to its end, dropping what it reads. */
    private Future<?> drain(Socket socket) {
        return threads.submit(() -> {
            byte[] buf = new byte[64 * 1024];
            InputStream in = socket.getInputStream();
            while (in.read(buf) >= 0) {
                // Discard the relays.
            }
            return null;
        });
    }

    @Test
    void floodedUnderASmallHeapItPrintsEveryLineServesANewClientAndStopsCleanly() throws Exception {
        JarProcess server = dualchat.startServer(List.of("-Xmx64m"), "--max-connections", "2000");
        int port = server.tcpPort();
        for (int i = 0; i < IDLE; i++) {
            // Never read: what the server sends them piles up in its outbound buffers, then is missed.
            connect(port, 4096);
        }
        List<Future<?>> work = new ArrayList<>();
        for (int t = 0; t < TALKERS; t++) {
            Socket talker = connect(port, 0);
            work.add(drain(talker));
            int id = t;
            work.add(threads.submit(() -> {
                StringBuilder text = new StringBuilder();
                for (int n = 0; n < LINES; n++) {
                    text.append('t').append(id).append('-').append(n).append(' ').append(PAD).append('\n');
                }
                OutputStream out = talker.getOutputStream();
                out.write(text.toString().getBytes(UTF_8));
                out.flush();
                // Half-close: the server prints what it read and closes; the drain reads to that end.
                talker.shutdownOutput();
                return null;
            }));
        }
        for (Future<?> each : work) {
            each.get(90, TimeUnit.SECONDS);
        }

        String printed = server.awaitStdout(text -> count(text) >= TALKERS * LINES);
        Set<String> seen = new HashSet<>();
        for (String line : printed.split("\n")) {
            int at = line.indexOf(" : t");
            if (at >= 0) {
                assertThat(seen.add(line.substring(at + 3, line.indexOf(' ', at + 3)))).as("printed once: %s", line).isTrue();
            }
        }
        assertThat(seen).as("every talker's every line printed").hasSize(TALKERS * LINES);
        assertThat(server.isAlive()).isTrue();

        try (Socket late = connect(port, 0)) {
            InputStream in = late.getInputStream();
            byte[] greeting = new byte[17];
            assertThat(in.readNBytes(greeting, 0, greeting.length)).isEqualTo(greeting.length);
            assertThat(new String(greeting, UTF_8)).isEqualTo("Server connected\n");
            late.getOutputStream().write("late and served\n".getBytes(UTF_8));
            late.shutdownOutput();
            drain(late).get(30, TimeUnit.SECONDS);
        }
        assertThat(server.awaitStdout(text -> text.contains(" : late and served\n"))).contains(" : late and served\n");

        long stopStart = System.nanoTime();
        assertThat(server.stop()).as("exit status after SIGTERM").isZero();
        assertThat(System.nanoTime() - stopStart).as("SIGTERM to exit, ns").isLessThan(TimeUnit.SECONDS.toNanos(10));
        assertThat(server.stderr()).doesNotContain("OutOfMemoryError").doesNotContain("fatal");
    }

    private static int count(String text) {
        int n = 0;
        for (int i = text.indexOf(" : t"); i >= 0; i = text.indexOf(" : t", i + 1)) {
            n++;
        }
        return n;
    }
}
