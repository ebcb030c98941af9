package org.dualchat.netty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dualchat.netty.testing.ServerExtension.readLine;
import static org.dualchat.netty.testing.ServerExtension.sendUdp;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import io.netty.channel.epoll.Epoll;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.common.TransportType;
import org.dualchat.netty.testing.ControlledSink;
import org.dualchat.netty.testing.CountingSink;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.Loopback;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.CsvSource;

/** The whole server over real loopback sockets, on ports the system picks. */
@Timeout(60)
class ChatServerIT {

    private static final Duration WAIT = ServerExtension.WAIT;

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    private ChatServer start(LineCollector out) throws IOException {
        return servers.start(config -> { }, out);
    }

    private ChatServer startOn(TransportType transport, LineCollector out) throws IOException {
        assumeTrue(transport != TransportType.EPOLL || Epoll.isAvailable(), "no epoll here");
        return servers.start(config -> config.transport(transport), out);
    }

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"EPOLL", "NIO"})
    void udpAndTcpFeedOneSinkAsIpColonText(TransportType transport) throws Exception {
        LineCollector out = LineCollector.open();
        ChatServer server = startOn(transport, out);
        assertThat(server.udpAddress().getPort()).isPositive();
        assertThat(server.tcpAddress().getPort()).isPositive();

        sendUdp("127.0.0.1", server.udpAddress().getPort(), "hello over udp\n".getBytes(UTF_8));
        sendUdp("::1", server.udpAddress().getPort(), "hello over udp6".getBytes(UTF_8));
        Socket tcp = servers.connectGreeted(server);
        tcp.getOutputStream().write("hello over tcp\r\n".getBytes(UTF_8));
        Socket tcp6 = new Socket("::1", server.tcpAddress().getPort());
        servers.closeAfterEach(tcp6);
        tcp6.getOutputStream().write("hello over tcp6\n".getBytes(UTF_8));

        assertThat(out.awaitCount(4, WAIT)).containsExactlyInAnyOrder(
                "127.0.0.1 : hello over udp",
                "::1 : hello over udp6",
                "127.0.0.1 : hello over tcp",
                "::1 : hello over tcp6");
    }

    @Test
    void aMaximalDatagramArrivesWholeAndAMultiLineOneAsSeveralMessages() throws Exception {
        LineCollector out = LineCollector.open();
        ChatServer server = start(out);
        String big = "b".repeat(65_506) + "!";
        sendUdp("127.0.0.1", server.udpAddress().getPort(), big.getBytes(UTF_8));
        sendUdp("127.0.0.1", server.udpAddress().getPort(), "one\ntwo\r\nthree\n".getBytes(UTF_8));

        List<String> lines = out.awaitCount(4, WAIT);
        assertThat(lines).contains("127.0.0.1 : " + big, "127.0.0.1 : one", "127.0.0.1 : two", "127.0.0.1 : three");
    }

    @Test
    void aSenderThatNeverSendsANewlineIsShownPromptly() throws Exception {
        LineCollector out = LineCollector.open();
        ChatServer server = start(out);
        // The seed's TCP sender: read the greeting, then a bare send() per typed line.
        Socket seed = servers.connectGreeted(server);
        OutputStream o = seed.getOutputStream();
        o.write("first".getBytes(UTF_8));
        long started = System.nanoTime();
        assertThat(out.awaitCount(1, WAIT)).containsExactly("127.0.0.1 : first");
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(millis).as("shown after the quiet gap, not at close").isLessThan(WAIT.toMillis());

        o.write("second".getBytes(UTF_8));
        assertThat(out.awaitCount(2, WAIT)).containsExactly("127.0.0.1 : first", "127.0.0.1 : second");
        assertThat(seed.isClosed()).isFalse();
    }

    @Test
    void aCharacterSplitAcrossSegmentsArrivesWhole() throws Exception {
        LineCollector out = LineCollector.open();
        ChatServer server = servers.start(config -> config.partialLineTimeout(Duration.ZERO),
                out);
        Socket client = servers.connectGreeted(server);
        byte[] text = "prix : 5 € 🎉\n".getBytes(UTF_8);
        OutputStream o = client.getOutputStream();
        for (byte b : text) {
            o.write(b);
            o.flush();
            Thread.sleep(2);
        }
        o.write(new byte[] {'x', (byte) 0xFF, 'y', '\n'});
        assertThat(out.awaitCount(2, WAIT)).containsExactly("127.0.0.1 : prix : 5 € 🎉", "127.0.0.1 : x\uFFFDy");
    }

    @Test
    void fiveHundredConcurrentClientsEachLineExactlyOnce() throws Exception {
        LineCollector out = LineCollector.open();
        int clients = 500;
        // All from 127.0.0.1: one source far over the per-address limits, on purpose here.
        ChatServer server = servers.start(config -> config.maxConnectionsPerIp(clients).rate(0),
                out);
        int linesEach = 20;
        List<Socket> sockets = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            sockets.add(servers.connect(server));
        }
        ExecutorService senders = Executors.newFixedThreadPool(16);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int c = 0; c < clients; c++) {
                Socket socket = sockets.get(c);
                int id = c;
                sent.add(senders.submit(() -> {
                    OutputStream o = socket.getOutputStream();
                    for (int l = 0; l < linesEach; l++) {
                        o.write(("client " + id + " line " + l + "\n").getBytes(UTF_8));
                    }
                    socket.shutdownOutput();
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get(30, TimeUnit.SECONDS);
            }
        } finally {
            senders.shutdownNow();
        }
        List<String> lines = out.awaitCount(clients * linesEach, Duration.ofSeconds(30));
        Map<String, Integer> seen = new HashMap<>();
        for (String line : lines) {
            seen.merge(line, 1, Integer::sum);
        }
        assertThat(lines).hasSize(clients * linesEach);
        for (int c = 0; c < clients; c++) {
            for (int l = 0; l < linesEach; l++) {
                assertThat(seen.get("127.0.0.1 : client " + c + " line " + l)).as("client %d line %d", c, l).isEqualTo(1);
            }
        }
    }

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"EPOLL", "NIO"})
    void resetAndHalfCloseNeitherDisturbOthersNorPrintEmptyMessages(TransportType transport) throws Exception {
        LineCollector out = LineCollector.open();
        ChatServer server = startOn(transport, out);
        Socket steady = servers.connectGreeted(server);

        Socket resetting = servers.connectGreeted(server);
        resetting.getOutputStream().write("before reset\n".getBytes(UTF_8));
        assertThat(out.awaitCount(1, WAIT)).containsExactly("127.0.0.1 : before reset");
        resetting.setSoLinger(true, 0);
        resetting.close();

        Socket halfClosing = servers.connectGreeted(server);
        halfClosing.getOutputStream().write("whole line\nno newline".getBytes(UTF_8));
        halfClosing.shutdownOutput();
        // The server prints what is left and closes its side: `printf 'hi\n' | ncat host 2222` returns at once.
        // (The room may tell it of others joining first.)
        Loopback.readToEnd(halfClosing.getInputStream());

        steady.getOutputStream().write("still here\n".getBytes(UTF_8));
        List<String> lines = out.await(l -> l.contains("127.0.0.1 : still here") && l.size() >= 4, WAIT);
        assertThat(lines).containsExactlyInAnyOrder(
                "127.0.0.1 : before reset", "127.0.0.1 : whole line", "127.0.0.1 : no newline",
                "127.0.0.1 : still here");

        // And the server still takes new clients.
        Socket late = servers.connectGreeted(server);
        late.getOutputStream().write("late\n".getBytes(UTF_8));
        assertThat(out.awaitCount(5, WAIT)).endsWith("127.0.0.1 : late").noneMatch(l -> l.endsWith(" : "));
    }

    /** Starts a thread that writes {@link #numbered} lines 0 to {@code total - 1} to {@code client}, then half-closes. */
    private static Thread writeNumberedLines(Socket client, int total) {
        Thread writer = new Thread(() -> {
            try {
                OutputStream o = new BufferedOutputStream(client.getOutputStream(), 1 << 16);
                byte[] line = (numbered(0) + "\n").getBytes(UTF_8);
                for (int i = 0; i < total; i++) {
                    for (int at = 10, n = i; at >= 5; at--, n /= 10) {
                        line[at] = (byte) ('0' + n % 10);
                    }
                    o.write(line);
                }
                o.flush();
                client.shutdownOutput();
            } catch (IOException e) {
                throw new RuntimeException(e);
            }
        });
        writer.start();
        return writer;
    }

    /** {@code line 000042}: with its newline, 12 bytes for any number below a million. */
    private static String numbered(int i) {
        return "line " + Integer.toString(1_000_000 + i).substring(1);
    }

    @Test
    void aPausedClientHoldsAtMostOneSmallReadOfLines() throws Exception {
        // The sink takes lines as fast as they come (so the server's reads grow to their largest), then none
        // until it is given room again: five times over, the client's reading pauses with the lines of its last
        // read held. A read's last lines are a random share of it, so one pause alone could not tell the sizes apart.
        int first = 50_000;
        int step = 30_000;
        int total = 250_000;
        ControlledSink sink = new ControlledSink(first);
        ChatServer server = servers.start(config -> config.rate(0), sink);
        Socket client = servers.connectGreeted(server);
        Thread writer = writeNumberedLines(client, total);

        long maxHeld = 0;
        int given = first;
        for (int pause = 0; pause < 5; pause++) {
            long deadline = System.nanoTime() + WAIT.toNanos();
            while ((sink.acceptedCount() < given || sink.waiting() == 0) && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(sink.acceptedCount()).as("lines taken before pause %d", pause).isEqualTo(given);
            Thread.sleep(50); // the read under way, if any, is over
            maxHeld = Math.max(maxHeld, server.heldMessages());
            given += step;
            sink.makeRoom(step);
        }
        // At most one read of 12-byte lines; Netty's default largest read (64 KB) holds up to 5,461.
        assertThat(maxHeld).as("lines held by a paused client").isPositive()
                .isLessThanOrEqualTo(ChatServer.MAX_TCP_READ / 12 + 1);

        sink.makeRoom(total);
        writer.join(WAIT.toMillis());
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sink.acceptedCount() < total && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        List<String> texts = sink.texts();
        assertThat(texts).hasSize(total);
        for (int i = 0; i < total; i++) {
            if (!texts.get(i).equals(numbered(i))) {
                throw new AssertionError("line " + i + " is " + texts.get(i));
            }
        }
    }

    @Test
    void aFullSinkPausesTcpReadingAndNothingReadIsLost() throws Exception {
        LineCollector out = LineCollector.shut();
        PrintingSink sink = new PrintingSink(out, MessageFormat.PLAIN, 16, Long.MAX_VALUE);
        // Only the full sink may hold this client back here, not its rate.
        ChatServer server = servers.start(config -> config.rate(0), sink);
        int total = 300_000;
        Socket client = servers.connectGreeted(server);
        Thread writer = writeNumberedLines(client, total);

        // While nothing can be printed, the server holds at most what its last read decoded.
        long maxHeld = 0;
        for (int i = 0; i < 50; i++) {
            maxHeld = Math.max(maxHeld, server.heldMessages());
            Thread.sleep(10);
        }
        assertThat(maxHeld).as("lines held while paused").isPositive().isLessThan(20_000);

        out.release();
        writer.join(WAIT.toMillis() * 3);
        List<String> lines = out.awaitCount(total, Duration.ofSeconds(30));
        assertThat(lines).hasSize(total);
        for (int i = 0; i < total; i++) {
            if (!lines.get(i).equals("127.0.0.1 : " + numbered(i))) {
                throw new AssertionError("line " + i + " is " + lines.get(i));
            }
        }
    }

    @Test
    void udpDatagramsThatFindTheSinkFullAreCounted() throws Exception {
        LineCollector out = LineCollector.shut();
        CountingSink sink = new CountingSink(new PrintingSink(out, MessageFormat.PLAIN, 4, Long.MAX_VALUE));
        ChatServer server = servers.start(config -> { }, sink);
        int sent = 200;
        try (DatagramSocket socket = new DatagramSocket()) {
            for (int i = 0; i < sent; i++) {
                byte[] payload = ("d" + i).getBytes(UTF_8);
                socket.send(new DatagramPacket(payload, payload.length, server.udpAddress()));
            }
        }
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sink.accepted() + server.udpDropped() < sent && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(server.udpDropped()).isPositive();
        assertThat(sink.accepted() + server.udpDropped()).isEqualTo(sent);
        out.release();
        assertThat(out.awaitCount(sink.accepted(), WAIT)).hasSize(sink.accepted());
    }

    @Test
    void closePrintsEverythingAlreadyReceived() throws Exception {
        LineCollector out = LineCollector.shut();
        CountingSink sink = new CountingSink(new PrintingSink(out, MessageFormat.PLAIN, 64, Long.MAX_VALUE));
        ChatServer server = servers.start(config -> config.partialLineTimeout(Duration.ZERO), sink);

        // UDP first: once TCP has filled the sink, a datagram would rightly be dropped.
        sendUdp("127.0.0.1", server.udpAddress().getPort(), "udp before close".getBytes(UTF_8));
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (sink.accepted() < 1 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        // More lines than the sink holds: most wait in the TCP handler when close() begins.
        Socket client = servers.connectGreeted(server);
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < 200; i++) {
            burst.append("tcp ").append(i).append('\n');
        }
        client.getOutputStream().write(burst.toString().getBytes(UTF_8));
        // A partial line that only the end of the connection completes.
        Socket partial = servers.connectGreeted(server);
        partial.getOutputStream().write("unfinished".getBytes(UTF_8));
        deadline = System.nanoTime() + WAIT.toNanos();
        while (server.heldMessages() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Thread.sleep(200); // let the server read what is on the wire
        // What the server has read: in the sink, or held by the TCP handler because the sink is full.
        long read = sink.accepted() + server.heldMessages();
        assertThat(server.heldMessages()).as("lines waiting in the handler when close() begins").isPositive();

        Thread closer = new Thread(server::close);
        closer.start();
        Thread.sleep(100);
        out.release();
        closer.join(WAIT.toMillis() * 2);
        assertThat(closer.isAlive()).isFalse();

        List<String> lines = out.lines();
        assertThat(lines).contains("127.0.0.1 : unfinished", "127.0.0.1 : udp before close");
        List<String> tcp = lines.stream().filter(l -> l.startsWith("127.0.0.1 : tcp ")).toList();
        for (int i = 0; i < tcp.size(); i++) {
            assertThat(tcp.get(i)).isEqualTo("127.0.0.1 : tcp " + i);
        }
        // Everything read before close() was printed, plus the partial line that closing completed.
        assertThat(lines).hasSize(sink.accepted()).hasSizeGreaterThanOrEqualTo((int) read + 1);
    }

    @Test
    void closePrintsThePartialLineOfEveryClient() throws Exception {
        LineCollector out = LineCollector.open();
        CountingSink sink = new CountingSink(new PrintingSink(out, MessageFormat.PLAIN));
        int clients = 100;
        ChatServer server = servers.start(
                config -> config.partialLineTimeout(Duration.ZERO).maxConnectionsPerIp(clients), sink);
        for (int c = 0; c < clients; c++) {
            servers.connectGreeted(server).getOutputStream().write(("typing " + c).getBytes(UTF_8));
        }
        // Each greeting was read after its client's bytes were sent; give the server a moment to read them.
        Thread.sleep(300);
        server.close();
        assertThat(out.lines()).hasSize(clients).allMatch(line -> line.startsWith("127.0.0.1 : typing "));
    }

    @Test
    void aPortInUseIsAClearErrorAndLeavesNothingBound() throws Exception {
        LineCollector out = LineCollector.open();
        ChatServer first = start(out);
        int taken = first.tcpAddress().getPort();

        ChatServer second = new ChatServer(ChatServerConfig.builder().udpPort(0).tcpPort(taken).build(),
                new PrintingSink(LineCollector.open(), MessageFormat.PLAIN));
        assertThatThrownBy(second::start)
                .isInstanceOf(IOException.class)
                .hasMessageContaining("TCP")
                .hasMessageContaining(":" + taken)
                .hasMessageEndingWith("Address already in use");
        second.close();
    }

    @Test
    void listensOnTheBindAddressOnly() throws Exception {
        LineCollector out = LineCollector.open();
        InetAddress v4 = InetAddress.getByName("127.0.0.1");
        ChatServer server = servers.start(config -> config.bindAddress(v4), out);
        assertThat(server.tcpAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(server.udpAddress().getAddress().getHostAddress()).isEqualTo("127.0.0.1");
        assertThatThrownBy(() -> new Socket().connect(new InetSocketAddress("::1", server.tcpAddress().getPort()), 2000))
                .isInstanceOf(IOException.class);
    }

    /**
     * A crowd that arrives while the loop accepts nothing waits in the kernel's accept queue, as deep as the
     * system allows, rather than having its SYNs dropped: each connect completes at once, and each client is
     * greeted once the loop accepts again. With the old backlog of 1,024 the 1,025th connect waited for its
     * SYN's retry, a second later, and timed out here.
     */
    @Test
    void aCrowdArrivingWhileNothingIsAcceptedWaitsInTheKernelsQueueAndIsGreeted() throws Exception {
        int crowd = Math.min(1500, ChatServer.ACCEPT_BACKLOG - 50);
        ChatServer server = servers.start(config -> config.relay(false).maxConnections(2000).maxConnectionsPerIp(2000),
                LineCollector.open());
        assertThat(server.tcpSockets()).as("2,000 fit in one queue of somaxconn").hasSize(1);
        crowdWaitsAndIsGreeted(server, crowd);
    }

    /**
     * A connection limit larger than one socket's accept queue: the port is bound by enough sockets
     * (SO_REUSEPORT) that a crowd of that size, arriving while nothing is accepted, waits in their queues. Here
     * queues of 64 for a limit of 256, so 5 sockets (a tenth to spare); 160 connects complete at once, and each
     * client is greeted once accepts resume. With one socket the 66th connect would wait for its SYN's retry
     * and time out.
     */
    @Test
    void aCrowdLargerThanOneAcceptQueueWaitsInTheQueuesOfSeveralSocketsOnThePort() throws Exception {
        assumeTrue(Epoll.isAvailable(), "SO_REUSEPORT with Netty's epoll transport only; no epoll here");
        ChatServer server = startWithQueuesOf(64, shallowQueues(0), LineCollector.open());
        assertThat(server.tcpSockets()).hasSize(5)
                .allMatch(socket -> socket.localAddress().equals(server.tcpAddress()));
        crowdWaitsAndIsGreeted(server, 160);
    }

    /**
     * Linux lets a socket of the same user join a port bound with SO_REUSEPORT; a second server on a port the
     * first serves with several sockets is refused as with one, rather than sharing the first one's clients.
     */
    @Test
    void aPortServedBySeveralSocketsIsStillRefusedToASecondServer() throws Exception {
        assumeTrue(Epoll.isAvailable(), "SO_REUSEPORT with Netty's epoll transport only; no epoll here");
        ChatServer first = startWithQueuesOf(64, shallowQueues(0), LineCollector.open());
        int taken = first.tcpAddress().getPort();
        assertThat(first.tcpSockets()).hasSize(5);

        assertThatThrownBy(() -> startWithQueuesOf(64, shallowQueues(taken), LineCollector.open()))
                .isInstanceOf(IOException.class)
                .hasMessage("TCP 127.0.0.1:" + taken + ": Address already in use");
        // Every client still reaches the first server.
        for (int i = 0; i < 20; i++) {
            servers.connectGreeted(first).close();
        }
    }

    /**
     * A stop while a crowd still waits in the queues of a port's several sockets: each socket accepts what its
     * queue holds before it is closed (closing a listener resets what waits in its queue, with what those clients
     * wrote), and every line those clients sent is printed. The event loops are held while the crowd arrives.
     * The clients half-close after their line, so each is read out and closed soon after it is accepted: the stop
     * goes on accepting while it accepts any, not while the open connections grow (which lost all but about a
     * dozen of them, with one socket as with several), and for as long as the grace allows rather than for a
     * fixed 20 rounds (which took a few hundred of the 1,500).
     */
    @ParameterizedTest
    @CsvSource({"64, 64, 1, 40", "64, 256, 5, 160", "512, 2048, 5, 1500"})
    void aStopAcceptsWhatWaitsInTheQueuesOfEverySocketOfThePortAndPrintsItsLines(int backlog, int maxConnections,
            int sockets, int crowd) throws Exception {
        assumeTrue(Epoll.isAvailable(), "SO_REUSEPORT with Netty's epoll transport only; no epoll here");
        LineCollector out = LineCollector.open();
        ChatServer server = startWithQueuesOf(backlog,
                shallowQueues(0).maxConnections(maxConnections).maxConnectionsPerIp(maxConnections), out);
        assertThat(server.tcpSockets()).hasSize(sockets);
        CountDownLatch release = new CountDownLatch(1);
        Set<EventLoop> loops = new HashSet<>();
        server.tcpSockets().forEach(socket -> loops.add(socket.eventLoop()));
        for (EventLoop loop : loops) {
            loop.execute(() -> {
                try {
                    release.await(WAIT.toMillis(), TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
        List<Socket> clients = new ArrayList<>();
        Thread stopping = new Thread(server::close, "stopping");
        try {
            connectCrowd(server, crowd, clients, true);
            stopping.start();
            Thread.sleep(100);
            release.countDown();
            stopping.join(WAIT.toMillis());
            assertThat(stopping.isAlive()).as("close() returned").isFalse();
            assertThat(out.lines()).hasSize(crowd).allMatch(line -> line.startsWith("127.0.0.1 : queued "));
        } finally {
            release.countDown();
            for (Socket client : clients) {
                client.close();
            }
        }
    }

    /** A server whose listening sockets each queue {@code backlog} connections, printing to {@code out}. */
    private ChatServer startWithQueuesOf(int backlog, ChatServerConfig.Builder config, LineCollector out)
            throws IOException {
        ChatServer server = servers.closeAfterEach(
                new ChatServer(config.build(), new PrintingSink(out, MessageFormat.PLAIN)));
        server.acceptBacklog(backlog);
        server.start();
        return server;
    }

    private static ChatServerConfig.Builder shallowQueues(int tcpPort) {
        return ChatServerConfig.builder().bindAddress(InetAddress.getLoopbackAddress()).udpPort(0).tcpPort(tcpPort)
                .relay(false).maxConnections(256).maxConnectionsPerIp(256);
    }

    /**
     * Connects {@code crowd} clients to the TCP port, each added to {@code clients}; a connect is completed by the
     * kernel's handshake alone, whether or not the server accepts. With {@code say}, each then writes
     * {@code queued N} and half-closes.
     */
    private static void connectCrowd(ChatServer server, int crowd, List<Socket> clients, boolean say)
            throws IOException {
        InetSocketAddress to = new InetSocketAddress(InetAddress.getLoopbackAddress(), server.tcpAddress().getPort());
        for (int i = 0; i < crowd; i++) {
            Socket client = new Socket();
            clients.add(client);
            client.connect(to, 500);
            if (say) {
                client.getOutputStream().write(("queued " + i + "\n").getBytes(UTF_8));
                client.shutdownOutput();
            }
        }
    }

    /** Pauses accepts on every socket of the TCP port, connects {@code crowd}, resumes, reads each greeting. */
    private static void crowdWaitsAndIsGreeted(ChatServer server, int crowd) throws Exception {
        for (Channel accepting : server.tcpSockets()) {
            accepting.eventLoop().submit(() -> accepting.config().setAutoRead(false)).get();
        }
        List<Socket> clients = new ArrayList<>();
        try {
            connectCrowd(server, crowd, clients, false);
            for (Channel accepting : server.tcpSockets()) {
                accepting.eventLoop().submit(() -> accepting.config().setAutoRead(true)).get();
            }
            for (Socket client : clients) {
                client.setSoTimeout((int) WAIT.toMillis());
                assertThat(readLine(client.getInputStream())).isEqualTo("Server connected");
            }
        } finally {
            for (Socket client : clients) {
                client.close();
            }
        }
    }
}
