package org.dualchat.netty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufAllocatorMetricProvider;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.management.ManagementFactory;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.dualchat.netty.room.ChatCommands;
import org.dualchat.netty.room.LocalRoom;
import org.dualchat.netty.common.TransportType;
import org.dualchat.netty.stats.StatsView;
import org.dualchat.netty.testing.LogCapture;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The chat room over real loopback sockets: relays between TCP, UDP and the console. */
@Timeout(90)
class RelayIT {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final String PAD = " " + "x".repeat(200);

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    /** A TCP client that has read its greeting, so the server has surely let it join. */
    private Client join(ChatServer server) throws IOException {
        Client client = new Client(server);
        servers.closeAfterEach(client);
        assertThat(client.readLine()).isEqualTo("Server connected");
        client.skipJoinLine();
        return client;
    }

    /** A TCP client with a line reader. */
    static final class Client implements AutoCloseable {

        final Socket socket;
        final BufferedReader in;
        final OutputStream out;

        Client(ChatServer server) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), server.tcpAddress().getPort());
            socket.setTcpNoDelay(true);
            socket.setSoTimeout((int) WAIT.toMillis());
            in = new BufferedReader(new InputStreamReader(socket.getInputStream(), UTF_8));
            out = socket.getOutputStream();
        }

        int port() {
            return socket.getLocalPort();
        }

        String readLine() throws IOException {
            return in.readLine();
        }

        /**
         * Reads the line a joiner gets after the greeting (who is here, /help), none on a receive-only server,
         * and the room's history after it, if any (sent with it, so already here).
         */
        void skipJoinLine() throws IOException {
            in.mark(8192);
            String line = poll(300);
            if (line == null || !line.endsWith(ChatCommands.JOIN_LINE_END)) {
                in.reset();
                return;
            }
            in.mark(8192);
            if (in.ready() && in.readLine().startsWith("* last ")) {
                String past;
                do {
                    past = in.readLine();
                } while (past != null && !past.equals("* end of history"));
            } else {
                in.reset();
            }
        }

        /** The next line that is not a join or leave notice. */
        String readMessage() throws IOException {
            String line;
            do {
                line = in.readLine();
            } while (line != null && line.startsWith("* ") && (line.endsWith(" joined") || line.contains(" left")));
            return line;
        }

        void send(String text) throws IOException {
            out.write((text + "\n").getBytes(UTF_8));
            out.flush();
        }

        /** Whether a line arrives within {@code millis}; for asserting that nothing comes. */
        String poll(int millis) throws IOException {
            socket.setSoTimeout(millis);
            try {
                return in.readLine();
            } catch (SocketTimeoutException nothing) {
                return null;
            } finally {
                socket.setSoTimeout((int) WAIT.toMillis());
            }
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }

    @Test
    void tcpLinesReachEveryOtherClientAndAreStillPrinted() throws Exception {
        ChatServer server = servers.start();
        Client alice = join(server);
        Client bob = join(server);
        assertThat(alice.readLine()).isEqualTo("* 127.0.0.1:" + bob.port() + " joined");
        Client carol = join(server);

        alice.send("hello room");
        assertThat(bob.readMessage()).isEqualTo("127.0.0.1 : hello room");
        assertThat(carol.readMessage()).isEqualTo("127.0.0.1 : hello room");
        assertThat(servers.out().awaitCount(1, WAIT)).containsExactly("127.0.0.1 : hello room");
        assertThat(alice.readLine()).isEqualTo("* 127.0.0.1:" + carol.port() + " joined");
        assertThat(alice.poll(300)).as("never her own line").isNull();
    }

    /** Receivers' views of a batch are written from their memory address on epoll, as NIO buffers on NIO. */
    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.EnumSource(value = TransportType.class, names = {"NIO", "AUTO"})
    void manyLinesReachManyReceiversWholeAndInOrderOnEitherTransport(TransportType transport) throws Exception {
        ChatServer server = servers.start(config -> config.transport(transport));
        Client alice = join(server);
        java.util.List<Client> receivers = new java.util.ArrayList<>();
        for (int i = 0; i < 5; i++) {
            receivers.add(join(server));
        }
        for (int i = 0; i < 200; i++) {
            alice.send("line " + i + " " + "x".repeat(i));
        }
        for (Client receiver : receivers) {
            for (int i = 0; i < 200; i++) {
                assertThat(receiver.readMessage()).isEqualTo("127.0.0.1 : line " + i + " " + "x".repeat(i));
            }
        }
    }

    @Test
    void udpAndConsoleLinesReachTheTcpClients() throws Exception {
        ChatServer server = servers.start();
        Client alice = join(server);
        try (DatagramSocket udp = new DatagramSocket()) {
            byte[] data = "from udp\n".getBytes(UTF_8);
            udp.send(new DatagramPacket(data, data.length, InetAddress.getByName("::1"), server.udpAddress().getPort()));
            assertThat(alice.readMessage()).isEqualTo("::1 : from udp");
            assertThat(server.console("from the operator")).isTrue();
            assertThat(alice.readMessage()).isEqualTo("server : from the operator");
            assertThat(servers.out().awaitCount(2, WAIT)).containsExactly("::1 : from udp", "server : from the operator");
            assertThat(udp.getLocalPort()).isPositive();
        }
    }

    @Test
    void udpSourcesAreSentNothingUnlessUdpRelayIsOn() throws Exception {
        ChatServer quiet = servers.start();
        ChatServer relaying = servers.start(config -> config.udpRelay(true));
        for (ChatServer server : List.of(quiet, relaying)) {
            Client tcp = join(server);
            try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress());
                    DatagramSocket other = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                udp.setSoTimeout(server == quiet ? 500 : (int) WAIT.toMillis());
                byte[] hi = "hi from udp".getBytes(UTF_8);
                udp.send(new DatagramPacket(hi, hi.length, InetAddress.getLoopbackAddress(), server.udpAddress().getPort()));
                assertThat(tcp.readMessage()).isEqualTo("127.0.0.1 : hi from udp");
                byte[] other1 = "another udp source".getBytes(UTF_8);
                other.send(new DatagramPacket(other1, other1.length, InetAddress.getLoopbackAddress(),
                        server.udpAddress().getPort()));
                assertThat(tcp.readMessage()).isEqualTo("127.0.0.1 : another udp source");
                tcp.send("reply from tcp");

                DatagramPacket packet = new DatagramPacket(new byte[1000], 1000);
                if (server == quiet) {
                    assertThatNothingArrives(udp, packet);
                } else {
                    udp.receive(packet);
                    assertThat(new String(packet.getData(), 0, packet.getLength(), UTF_8))
                            .as("the other UDP source's line, not its own, on a line").isEqualTo("127.0.0.1 : another udp source\n");
                    udp.receive(packet);
                    assertThat(new String(packet.getData(), 0, packet.getLength(), UTF_8))
                            .isEqualTo("127.0.0.1 : reply from tcp\n");
                }
            }
        }
    }

    @Test
    void controlCharactersReachTcpAndUdpReceiversEscaped() throws Exception {
        ChatServer server = servers.start(config -> config.udpRelay(true));
        Client alice = join(server);
        Client bob = join(server);
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            udp.setSoTimeout((int) WAIT.toMillis());
            byte[] hi = "hi".getBytes(UTF_8);
            udp.send(new DatagramPacket(hi, hi.length, InetAddress.getLoopbackAddress(), server.udpAddress().getPort()));
            assertThat(alice.readMessage()).isEqualTo("127.0.0.1 : hi");

            bob.send("\u001b[2Jgone\rfake \u202e caf\u00e9");
            String escaped = "127.0.0.1 : \\x1b[2Jgone\\x0dfake \\u202e caf\u00e9";
            assertThat(alice.readMessage()).isEqualTo(escaped);
            DatagramPacket packet = new DatagramPacket(new byte[1000], 1000);
            udp.receive(packet);
            assertThat(new String(packet.getData(), 0, packet.getLength(), UTF_8)).isEqualTo(escaped + "\n");
            bob.send("plain \ttab");
            assertThat(alice.readMessage()).isEqualTo("127.0.0.1 : plain \ttab");
        }
    }

    private static void assertThatNothingArrives(DatagramSocket udp, DatagramPacket packet) throws IOException {
        try {
            udp.receive(packet);
            throw new AssertionError("a UDP source was sent " + new String(packet.getData(), 0, packet.getLength(), UTF_8));
        } catch (SocketTimeoutException expected) {
            // Nothing, as it should be.
        }
    }

    @Test
    void receiveOnlyServerRelaysNothingAndTreatsSlashLinesAsText() throws Exception {
        ChatServer server = servers.start(config -> config.relay(false));
        Client alice = join(server);
        Client bob = join(server);
        alice.send("/nick alice");
        alice.send("plain");
        assertThat(servers.out().awaitCount(2, WAIT)).containsExactly("127.0.0.1 : /nick alice", "127.0.0.1 : plain");
        assertThat(bob.poll(300)).isNull();
        assertThat(alice.poll(100)).isNull();
    }

    @Test
    void nickWhoAndQuitOverRealSockets() throws Exception {
        ChatServer server = servers.start();
        Client alice = join(server);
        Client bob = join(server);
        alice.readLine(); // bob joined

        alice.send("/nick alice");
        assertThat(alice.readLine()).isEqualTo("* you are now alice@127.0.0.1:" + alice.port());
        assertThat(bob.readLine()).isEqualTo("* 127.0.0.1:" + alice.port() + " is now alice");
        alice.send("hi bob");
        assertThat(bob.readLine()).isEqualTo("alice@127.0.0.1 : hi bob");

        bob.send("/who");
        assertThat(bob.readLine()).isEqualTo("* 2 here:");
        List<String> who = List.of(bob.readLine(), bob.readLine());
        assertThat(who).containsExactlyInAnyOrder(
                "*   alice@127.0.0.1:" + alice.port(), "*   127.0.0.1:" + bob.port() + " (you)");

        bob.send("/quit gone fishing");
        assertThat(bob.readLine()).isEqualTo("* bye");
        assertThat(bob.readLine()).as("the server closed the connection").isNull();
        assertThat(alice.readLine()).isEqualTo("* 127.0.0.1:" + bob.port() + " left (gone fishing)");
        assertThat(servers.out().awaitCount(1, WAIT)).containsExactly("alice@127.0.0.1 : hi bob");
    }

    @Test
    void twoHundredClientsEachReceiveAThousandMessagesInOrder() throws Exception {
        // All from 127.0.0.1: more than the default per-address limit.
        ChatServer server = servers.start(config -> config.maxConnectionsPerIp(500));
        int receivers = 200;
        int messages = 1000;
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            clients.add(join(server));
        }
        Client sender = join(server);
        whileEachReadsInOrder(clients, messages, "", () -> {
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < messages; i++) {
                batch.append("m ").append(i).append('\n');
            }
            sender.out.write(batch.toString().getBytes(UTF_8));
            sender.out.flush();
        });
        assertThat(server.stats().relaysSent()).isEqualTo((long) receivers * messages);
        assertThat(server.stats().relaysDropped()).isZero();
        assertThat(servers.out().awaitCount(messages, WAIT)).hasSize(messages);
    }

    /** What sends the messages while the clients read. */
    interface Sending {
        void run() throws Exception;
    }

    /** Runs {@code sending} while each client reads {@code count} messages in order on its own thread. */
    private static void whileEachReadsInOrder(List<Client> clients, int count, String suffix, Sending sending)
            throws Exception {
        ExecutorService readers = Executors.newFixedThreadPool(clients.size());
        try {
            List<Future<Integer>> got = new ArrayList<>();
            for (Client client : clients) {
                got.add(readers.submit(() -> readInOrder(client, count, suffix)));
            }
            sending.run();
            for (Future<Integer> f : got) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(count);
            }
        } finally {
            readers.shutdownNow();
        }
    }

    /** Reads {@code count} relayed messages {@code m 0 .. m count-1}, failing on a gap or a reordering. */
    private static int readInOrder(Client client, int count, String suffix) throws IOException {
        int next = 0;
        while (next < count) {
            String line = client.readMessage();
            if (line == null) {
                throw new AssertionError("connection closed after " + next + " messages");
            }
            assertThat(line).isEqualTo("127.0.0.1 : m " + next + suffix);
            next++;
        }
        return next;
    }

    @Test
    void aClientThatNeverReadsNeitherStallsTheRoomNorGrowsTheHeap() throws Exception {
        LineCounter printed = new LineCounter();
        ChatServer server = servers.start(config -> { }, printed);
        Client stuck = join(server);
        stuck.socket.setReceiveBufferSize(4096);
        List<Client> readersList = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            readersList.add(join(server));
        }
        Client sender = join(server);
        int messages = 50_000;
        long heapBefore = usedHeapAfterGc();
        whileEachReadsInOrder(readersList, messages, PAD, () -> {
            // About 11 MB in all, far more than the stuck client's socket buffers and its 256 KiB limit,
            // at up to 50,000 messages a second: a busy room, not a flood (flooding is for rate limits).
            StringBuilder batch = new StringBuilder();
            for (int i = 0; i < messages; i++) {
                batch.append("m ").append(i).append(PAD).append('\n');
                if (i % 500 == 499) {
                    sender.out.write(batch.toString().getBytes(UTF_8));
                    batch.setLength(0);
                    Thread.sleep(10);
                }
            }
            sender.out.write(batch.toString().getBytes(UTF_8));
            sender.out.flush();
        });
        assertThat(printed.await(messages, WAIT)).isEqualTo(messages);
        assertThat(server.stats().relaysDropped()).as("the stuck client missed relays").isPositive();

        long heapGrowth = usedHeapAfterGc() - heapBefore;
        long direct = ((ByteBufAllocatorMetricProvider) ByteBufAllocator.DEFAULT).metric().usedDirectMemory();
        System.err.printf("stuck-client test: heap growth %,d bytes, Netty direct memory %,d bytes,"
                + " %,d relays missed%n", heapGrowth, direct, server.stats().relaysDropped());
        assertThat(heapGrowth).as("heap growth").isLessThan(16L << 20);
        assertThat(direct).as("Netty direct memory").isLessThan(32L << 20);
    }

    @Test
    void aFixedSendBufferBoundsWhatTheKernelHoldsForAClientThatNeverReads() throws Exception {
        int clientBuffer = 64 * 1024;
        // About 850 KB: more than 16 KiB of kernel send buffer and the 64 KiB client buffer take, and well under
        // the 3-4 MB a kernel grows a socket's send buffer to when left to itself (net.ipv4.tcp_wmem).
        long taken = bytesRelayedToAMemberThatNeverReads(config -> config.transport(TransportType.NIO)
                .clientBuffer(clientBuffer).tcpSendBuffer(16 * 1024), 4_000);
        assertThat(taken).as("what its kernel and its client buffer took, in bytes")
                .isLessThan(clientBuffer + 256 * 1024);
    }

    /**
     * On epoll the kernel holds at most {@link ListenOptions#DEFAULT_TCP_NOTSENT_LOWAT} unsent for a member, so
     * one that stops reading is found slow after that and its client buffer, not after the megabytes of send
     * buffer Linux grows for it (with the limit off, its kernel took all 2.6 MB and it missed nothing).
     */
    @Test
    void onEpollTheKernelHoldsLittleUnsentForAClientThatNeverReads() throws Exception {
        int clientBuffer = 64 * 1024;
        // About 2.6 MB, sent in a busy room's pace.
        long taken = bytesRelayedToAMemberThatNeverReads(
                config -> config.transport(TransportType.EPOLL).clientBuffer(clientBuffer), 12_000);
        // Its socket's receive buffer and the bytes in flight on loopback come on top of the unsent limit.
        assertThat(taken).as("what its kernel and its client buffer took, in bytes")
                .isLessThan(clientBuffer + ListenOptions.DEFAULT_TCP_NOTSENT_LOWAT + 256 * 1024);
    }

    @Test
    void anUnsentLimitAskedOfNioIsWarnedOfOnceAndTheDefaultQuietly() throws Exception {
        try (LogCapture log = LogCapture.start()) {
            servers.start(config -> config.transport(TransportType.NIO));
            servers.start(config -> config.transport(TransportType.NIO).tcpNotSentLowat(65536));
            assertThat(log.warnings()).filteredOn(w -> w.contains("TCP_NOTSENT_LOWAT"))
                    .containsExactly("WARN org.dualchat.netty.ChatServer"
                            + " TCP_NOTSENT_LOWAT 65536 not set: the nio transport has no such option");
        }
    }

    /**
     * Relays {@code messages} lines of a sender to one member with a tiny receive buffer that never reads, and
     * returns the bytes of relays the server sent it: what its kernel and its client buffer took.
     */
    private long bytesRelayedToAMemberThatNeverReads(Consumer<ChatServerConfig.Builder> options,
            int messages) throws Exception {
        LineCounter printed = new LineCounter();
        ChatServer server = servers.start(options, printed);
        Client stuck = join(server);
        stuck.socket.setReceiveBufferSize(4096);
        Client sender = join(server);
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < messages; i++) {
            lines.append("m ").append(i).append(PAD).append('\n');
            if (i % 500 == 499) {
                sender.send(lines.substring(0, lines.length() - 1));
                lines.setLength(0);
                Thread.sleep(10);
            }
        }
        assertThat(printed.await(messages, WAIT)).isEqualTo(messages);
        long deadline = System.nanoTime() + WAIT.toNanos();
        StatsView stats = server.stats();
        while (stats.relaysSent() + stats.relaysDropped() < messages && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        long sent = stats.relaysSent();
        long lineBytes = ("127.0.0.1 : m 1000" + PAD + "\n").length();
        assertThat(sent + stats.relaysDropped()).as("every line relayed or counted as missed").isEqualTo(messages);
        assertThat(stats.relaysDropped()).as("the client that never reads missed relays").isPositive();
        System.err.printf("member that never reads: %,d relays taken (%,d bytes), %,d missed%n",
                sent, sent * lineBytes, stats.relaysDropped());
        return sent * lineBytes;
    }

    @Test
    void linesThatNoMemberCanTakeAreCountedWithoutBeingSentAndTheClientIsToldExactlyWhatItMissed() throws Exception {
        LineCounter printed = new LineCounter();
        ChatServer server = servers.start(config -> config.clientBuffer(64 * 1024).tcpSendBuffer(16 * 1024), printed);
        LocalRoom room = (LocalRoom) server.room();
        Client stuck = join(server);
        stuck.socket.setReceiveBufferSize(4096);
        Client sender = join(server);
        StatsView stats = server.stats();
        // About 850 KB: far more than the stuck client's kernel buffers and its 64 KiB take, so it is blocked.
        sendNumbered(sender, 0, 4_000);
        awaitRelayed(stats, printed, 4_000);
        long sentBefore = stats.relaysSent();
        long deliveriesBefore = room.deliveries();

        sendNumbered(sender, 4_000, 6_000);
        awaitRelayed(stats, printed, 6_000);
        assertThat(room.deliveries()).as("batches handed to event loops while nobody could take them")
                .isEqualTo(deliveriesBefore);
        assertThat(stats.relaysSent()).isEqualTo(sentBefore);

        // It reads again: every line either reached it, in order, or is in the one count it is told.
        int got = 0;
        String line;
        while ((line = stuck.readMessage()) != null && !line.startsWith("* you missed ")) {
            assertThat(line).startsWith("127.0.0.1 : m ");
            got++;
        }
        assertThat(line).isEqualTo("* you missed " + (6_000 - got)
                + " messages while you were not reading fast enough");
        assertThat((long) got).isEqualTo(stats.relaysSent());
        sender.send("after");
        assertThat(stuck.readMessage()).isEqualTo("127.0.0.1 : after");
    }

    private static void sendNumbered(Client sender, int from, int to) throws Exception {
        StringBuilder lines = new StringBuilder();
        for (int i = from; i < to; i++) {
            lines.append("m ").append(i).append(PAD).append('\n');
            if (i % 500 == 499 || i == to - 1) {
                sender.out.write(lines.toString().getBytes(UTF_8));
                sender.out.flush();
                lines.setLength(0);
                Thread.sleep(10);
            }
        }
    }

    /** Waits until {@code count} lines are printed, and each is relayed to the one other member or counted as missed. */
    private static void awaitRelayed(StatsView stats, LineCounter printed, long count) throws Exception {
        assertThat(printed.await(count, WAIT)).isEqualTo(count);
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (stats.relaysSent() + stats.relaysDropped() < count && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(stats.relaysSent() + stats.relaysDropped()).isEqualTo(count);
    }

    /** Stands in for stdout where only the number of lines matters. */
    static final class LineCounter extends OutputStream {

        private final java.util.concurrent.atomic.AtomicLong lines = new java.util.concurrent.atomic.AtomicLong();

        @Override
        public void write(int b) {
            if (b == '\n') {
                lines.incrementAndGet();
            }
        }

        @Override
        public void write(byte[] b, int off, int len) {
            long n = 0;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    n++;
                }
            }
            lines.addAndGet(n);
        }

        long await(long count, Duration timeout) throws InterruptedException {
            long deadline = System.nanoTime() + timeout.toNanos();
            while (lines.get() < count && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            return lines.get();
        }
    }

    private static long usedHeapAfterGc() throws InterruptedException {
        for (int i = 0; i < 3; i++) {
            System.gc();
            Thread.sleep(50);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }
}
