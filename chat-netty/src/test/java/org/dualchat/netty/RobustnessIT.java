package org.dualchat.netty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.dualchat.netty.testing.Loopback.WAIT;
import static org.dualchat.netty.testing.Loopback.readLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.net.DatagramSocket;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.dualchat.netty.stats.ServerStats.Drop;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.testing.Loopback;
import org.dualchat.netty.testing.PrintedTally;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The server under abuse, over real loopback sockets: junk, floods, huge lines, thousands of abandoned
 * connections. Each attack is bounded in count and in time. After each, the server must still be
 * alive and answer a new client on both protocols, its heap must stay under {@link #HEAP_BOUND} (used
 * heap after a full GC, measured in this JVM, which holds the server, the clients and the test), and
 * every marked TCP line a client sent and the server accepted must have been printed exactly once.
 */
@Timeout(60)
class RobustnessIT {

    /**
     * The bound on used heap after GC, stated in the README. Measured after each attack: 11 MB; the
     * server keeps nothing of an attack once it is over.
     */
    static final long HEAP_BOUND = 64L * 1024 * 1024;

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    private final PrintedTally printed = new PrintedTally();
    private final Random random = new Random(20_261_121);
    private ChatServer server;
    private int checks;

    @BeforeEach
    void needsSeveralSources() {
        Loopback.assumeManySources();
    }

    private ChatServer start(Consumer<ChatServerConfig.Builder> config) throws IOException {
        server = servers.start(config, printed);
        return server;
    }

    private Socket connect(String source) throws IOException {
        return servers.connect(source, server);
    }

    private static void write(Socket socket, String text) throws IOException {
        socket.getOutputStream().write(text.getBytes(UTF_8));
    }

    /** Alive, answering a new client on TCP and on UDP (from sources no attack used), heap bounded. */
    private void assertHealthy() throws Exception {
        checks++;
        String tcpLine = "127.0.0.250 : ok-alive-tcp-" + checks;
        String udpLine = "127.0.0.251 : ok-alive-udp-" + checks;
        try (Socket fresh = Loopback.connect("127.0.0.250", server);
                DatagramSocket udp = Loopback.udp("127.0.0.251")) {
            assertThat(readLine(fresh.getInputStream())).isEqualTo("Server connected");
            write(fresh, "ok-alive-tcp-" + checks + "\n");
            Loopback.send(udp, server, ("ok-alive-udp-" + checks).getBytes(UTF_8));
            assertThat(printed.await(t -> t.times(tcpLine) == 1 && t.times(udpLine) == 1, WAIT))
                    .as("a new client is answered on both protocols").isTrue();
        }
        assertThat(printed.repeated()).as("marked lines printed more than once").isEmpty();
        assertThat(printed.sequenceErrors()).as("lines lost, repeated or out of order").isEmpty();
        long used = usedHeapAfterGc();
        assertThat(used).as("used heap after GC, bytes").isLessThan(HEAP_BOUND);
    }

    static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** One client from 127.0.0.1 that chats normally during an attack: {@code lines} marked lines. */
    private Future<?> chatter(ExecutorService pool, String name, int lines, long gapMillis) throws IOException {
        Socket normal = connect("127.0.0.1");
        assertThat(readLine(normal.getInputStream())).isEqualTo("Server connected");
        return pool.submit(() -> {
            for (int i = 0; i < lines; i++) {
                write(normal, "ok-" + name + "-" + i + "\n");
                Thread.sleep(gapMillis);
            }
            return null;
        });
    }

    private void assertChatterPrintedOnce(String name, int lines) throws InterruptedException {
        assertThat(printed.await(t -> allPrinted(t, name, lines), WAIT)).as("every line of the normal client").isTrue();
    }

    private static boolean allPrinted(PrintedTally tally, String name, int lines) {
        for (int i = 0; i < lines; i++) {
            if (tally.times("127.0.0.1 : ok-" + name + "-" + i) != 1) {
                return false;
            }
        }
        return true;
    }

    @Test
    void randomBinaryDatagrams() throws Exception {
        start(config -> { });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            Future<?> chat = chatter(pool, "chat", 50, 20);
            // 8,000 datagrams of random bytes from four sources, a few of them the largest UDP allows.
            String[] sources = {"127.0.0.2", "127.0.0.3", "127.0.0.4", "::1"};
            for (String source : sources) {
                try (DatagramSocket udp = Loopback.udp(source)) {
                    for (int i = 0; i < 2_000; i++) {
                        byte[] junk = new byte[i % 500 == 0 ? 65_507 : random.nextInt(1500)];
                        random.nextBytes(junk);
                        Loopback.send(udp, server, junk);
                    }
                } catch (IOException noIpv6) {
                    if (!source.equals("::1")) {
                        throw noIpv6;
                    }
                }
            }
            chat.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertChatterPrintedOnce("chat", 50);
        } finally {
            pool.shutdownNow();
        }
        assertHealthy();
    }

    @Test
    void randomBinaryTcpStreams() throws Exception {
        start(config -> { });
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            Future<?> chat = chatter(pool, "chat", 50, 20);
            // 16 clients from 16 sources, 256 KB of random bytes each in random-sized writes; half of them
            // end with a half-close, half with a reset.
            List<Future<?>> streams = new ArrayList<>();
            for (int c = 0; c < 16; c++) {
                Socket socket = connect("127.0.1." + (c + 1));
                byte[] junk = new byte[256 * 1024];
                random.nextBytes(junk);
                boolean reset = c % 2 == 1;
                streams.add(pool.submit(() -> {
                    // Reads the greeting and the room's relays all along, as a chat client does, so that what
                    // this test measures is the decoding of junk, not a room paused by members that never read.
                    Thread drain = new Thread(() -> drainQuietly(socket), "drain-" + socket.getLocalAddress());
                    drain.setDaemon(true);
                    drain.start();
                    OutputStream o = socket.getOutputStream();
                    Random sizes = new Random(junk[0]);
                    for (int off = 0; off < junk.length; ) {
                        int len = Math.min(junk.length - off, 1 + sizes.nextInt(8192));
                        o.write(junk, off, len);
                        off += len;
                    }
                    if (reset) {
                        socket.setSoLinger(true, 0);
                        socket.close();
                    } else {
                        socket.shutdownOutput();
                        // The server prints what is left and closes: the stream ends.
                        drain.join();
                    }
                    return null;
                }));
            }
            for (Future<?> stream : streams) {
                stream.get(30, TimeUnit.SECONDS);
            }
            chat.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertChatterPrintedOnce("chat", 50);
            assertThat(Loopback.await(() -> server.limits().connections().total() == 1, WAIT))
                    .as("only the normal client is left").isTrue();
        } finally {
            pool.shutdownNow();
        }
        assertHealthy();
    }

    /** Reads {@code socket} to its end (or until it is reset or closed here), throwing away what comes. */
    private static void drainQuietly(Socket socket) {
        byte[] buffer = new byte[16 * 1024];
        try {
            InputStream in = socket.getInputStream();
            while (in.read(buffer) != -1) {
                // the greeting and relays
            }
        } catch (IOException closed) {
            // reset by this side, or closed: nothing more to read
        }
    }

    @Test
    void fiveMegabytesWithoutANewline() throws Exception {
        start(config -> { });
        Socket client = connect("127.0.0.5");
        assertThat(readLine(client.getInputStream())).isEqualTo("Server connected");
        int total = 5 * 1024 * 1024;
        byte[] chunk = "z".repeat(64 * 1024).getBytes(UTF_8);
        OutputStream o = client.getOutputStream();
        for (int sent = 0; sent < total; sent += chunk.length) {
            o.write(chunk);
        }
        write(client, "\nok-after-the-long-line\n");

        assertThat(printed.await(t -> t.times("127.0.0.5 : ok-after-the-long-line") == 1, Duration.ofSeconds(30)))
                .isTrue();
        // Every byte printed, in pieces of at most 8,192, counted as one line split.
        assertThat(printed.chars("127.0.0.5")).isEqualTo(total + "ok-after-the-long-line".length());
        assertThat(printed.lines("127.0.0.5")).isGreaterThanOrEqualTo(total / 8192 + 1);
        assertThat(server.stats().linesSplit()).isEqualTo(1);
        assertHealthy();
    }

    @Test
    void twoThousandConnectionsOpenedAndAbandoned() throws Exception {
        // Within the default limits: 40 sources of 50 connections each (64 per source, 4,096 in all).
        start(config -> { });
        int total = 2_000;
        int sources = 40;
        // Each connection is two descriptors in this JVM (client and server side): hold as many at once as
        // the limit leaves room for, and open the rest as those go.
        int atOnce = (int) Math.min(total, (fileDescriptorsLeft() - 256) / 2);
        assertThat(atOnce).as("file descriptors for at least a few hundred connections").isGreaterThan(200);
        int opened = 0;
        while (opened < total) {
            List<Socket> batch = new ArrayList<>();
            for (int i = 0; i < atOnce && opened < total; i++, opened++) {
                Socket socket = Loopback.connect("127.0.2." + (1 + opened % sources), server);
                batch.add(socket);
                if (opened % 10 == 0) {
                    // Some say one thing first; none reads the greeting.
                    write(socket, "ok-abandoned-" + opened + "\n");
                }
            }
            for (int i = 0; i < batch.size(); i++) {
                Socket socket = batch.get(i);
                if (i % 2 == 1) {
                    socket.setSoLinger(true, 0); // gone with a reset
                }
                socket.close();
            }
        }
        assertThat(Loopback.await(() -> server.limits().connections().total() == 0, Duration.ofSeconds(20)))
                .as("every abandoned connection closed on the server").isTrue();
        assertThat(server.stats().refused(ServerStats.Refusal.PER_IP_LIMIT)
                + server.stats().refused(ServerStats.Refusal.TOTAL_LIMIT)).isZero();
        // A line sent just before a reset may be lost with it, never printed twice.
        for (int i = 0; i < total; i += 10) {
            assertThat(printed.times("127.0.2." + (1 + i % sources) + " : ok-abandoned-" + i)).isLessThanOrEqualTo(1);
        }
        assertHealthy();
    }

    @Test
    void halfOpenHalfClosedAndResetConnections() throws Exception {
        start(config -> config.idleTimeout(Duration.ofSeconds(2)));
        int each = 25;
        List<Socket> halfOpen = new ArrayList<>();
        List<Socket> halfClosed = new ArrayList<>();
        for (int i = 0; i < each; i++) {
            String source = "127.0.3." + (1 + i % 10);
            // Half-open: says one line, then neither sends nor reads again, like a peer that vanished.
            Socket vanished = connect(source);
            write(vanished, "ok-vanished-" + i + "\n");
            halfOpen.add(vanished);
            // Half-closed: a line and a partial one, then the end of its output.
            Socket done = connect(source);
            write(done, "ok-done-" + i + "\nok-partial-" + i);
            done.shutdownOutput();
            halfClosed.add(done);
            // Reset in the middle of a line, and reset at once.
            Socket reset = connect(source);
            write(reset, "ok-reset-" + i + "\nhalf a li");
            reset.setSoLinger(true, 0);
            reset.close();
            Socket early = connect(source);
            early.setSoLinger(true, 0);
            early.close();
        }
        for (Socket done : halfClosed) {
            InputStream in = done.getInputStream();
            assertThat(readLine(in)).isEqualTo("Server connected");
            Loopback.readToEnd(in); // closed by the server after the half-close
        }
        // The vanished peers are found out by the idle timeout.
        assertThat(Loopback.await(() -> server.limits().connections().total() == 0, Duration.ofSeconds(20))).isTrue();
        for (Socket vanished : halfOpen) {
            InputStream in = vanished.getInputStream();
            assertThat(readLine(in)).isEqualTo("Server connected");
            assertThat(Loopback.readServerLine(in)).startsWith("Idle timeout");
        }
        for (int i = 0; i < each; i++) {
            String source = "127.0.3." + (1 + i % 10) + " : ";
            assertThat(printed.times(source + "ok-vanished-" + i)).isEqualTo(1);
            assertThat(printed.times(source + "ok-done-" + i)).isEqualTo(1);
            assertThat(printed.times(source + "ok-partial-" + i)).isEqualTo(1);
            assertThat(printed.times(source + "ok-reset-" + i)).isLessThanOrEqualTo(1);
        }
        assertHealthy();
    }

    @Test
    void aFloodFromOneSourceWhileAnotherChats() throws Exception {
        // The rate limit a room open to strangers would set (it is off by default).
        start(config -> config.rate(1000));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        long floodMillis = 3_000;
        AtomicLong udpSent = new AtomicLong();
        AtomicLong tcpSent = new AtomicLong();
        try {
            Future<?> chat = chatter(pool, "chat", 100, 30);
            DatagramSocket normalUdp = Loopback.udp("127.0.0.1");
            servers.closeAfterEach(normalUdp);
            Future<?> chatUdp = pool.submit(() -> {
                for (int i = 0; i < 100; i++) {
                    Loopback.send(normalUdp, server, ("ok-udp-" + i).getBytes(UTF_8));
                    Thread.sleep(30);
                }
                return null;
            });
            long started = System.nanoTime();
            long deadline = started + TimeUnit.MILLISECONDS.toNanos(floodMillis);
            // From 127.0.0.2, for 3 s: datagrams as fast as this machine sends them (at most 500,000), and one
            // TCP connection writing numbered lines as fast as the server reads them (at most 5,000,000).
            Future<?> udpFlood = pool.submit(() -> {
                try (DatagramSocket flood = Loopback.udp("127.0.0.2")) {
                    byte[] payload = "flood over udp".getBytes(UTF_8);
                    while (System.nanoTime() < deadline && udpSent.get() < 500_000) {
                        Loopback.send(flood, server, payload);
                        udpSent.incrementAndGet();
                    }
                }
                return null;
            });
            Socket tcpFlooder = connect("127.0.0.2");
            Future<?> tcpFlood = pool.submit(() -> {
                OutputStream o = new java.io.BufferedOutputStream(tcpFlooder.getOutputStream(), 8192);
                try {
                    for (long i = 0; i < 5_000_000 && System.nanoTime() < deadline; i++) {
                        o.write(("seq-flood-" + i + ".\n").getBytes(UTF_8));
                        tcpSent.incrementAndGet();
                    }
                    o.flush();
                } catch (IOException closedUnderUs) {
                    // the test closes the flooder at the deadline while a write is blocked
                }
                return null;
            });
            udpFlood.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            Thread.sleep(Math.max(0, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime())));
            tcpFlooder.close();
            tcpFlood.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            double seconds = (System.nanoTime() - started) / 1e9;

            chat.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            chatUdp.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertChatterPrintedOnce("chat", 100);
            // The flooder's lines beyond its allowance were slowed (TCP) or dropped (UDP), so the sink never
            // filled: the normal client's datagrams were not dropped by the server. (The kernel may still
            // drop some of them when the flood overruns the socket's receive buffer.)
            assertThat(server.udpDropped()).as("datagrams dropped for a full sink").isZero();
            long normalUdpPrinted = countNormalUdp();
            assertThat(normalUdpPrinted).as("normal datagrams printed, of 100").isGreaterThanOrEqualTo(25);

            long flooderPrinted = printed.lines("127.0.0.2");
            // One allowance for the source, both protocols together: the burst, the rate for the time
            // taken, and what the reads in progress when reading paused had brought in.
            long allowance = 2_000 + (long) (1_000 * seconds) + 20_000;
            assertThat(flooderPrinted).as("printed from the flooder").isLessThan(allowance);
            assertThat(udpSent.get() + tcpSent.get()).as("the flood was a flood").isGreaterThan(2 * allowance);
            assertThat(server.stats().dropped(Drop.RATE_LIMIT)).isPositive();
            assertThat(printed.sequenceLength("127.0.0.2", "flood")).isPositive();
        } finally {
            pool.shutdownNow();
        }
        assertHealthy();
    }

    private long countNormalUdp() {
        long n = 0;
        for (int i = 0; i < 100; i++) {
            n += printed.times("127.0.0.1 : ok-udp-" + i);
        }
        return n;
    }

    /** How many more file descriptors this process may open. */
    private static long fileDescriptorsLeft() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
            com.sun.management.UnixOperatingSystemMXBean unix = (com.sun.management.UnixOperatingSystemMXBean) os;
            return unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount();
        }
        return 4_096;
    }
}
