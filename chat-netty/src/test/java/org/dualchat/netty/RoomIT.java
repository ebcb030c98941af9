package org.dualchat.netty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.RelayIT.Client;
import org.dualchat.netty.RelayIT.LineCounter;
import org.dualchat.netty.room.ChatCommands;
import org.dualchat.netty.room.LocalRoom;
import org.dualchat.netty.room.RelayBudget;
import org.dualchat.netty.room.RelayOptions;
import org.dualchat.netty.testing.LogCapture;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

/**
 * The room's costs over real loopback sockets, counted rather than timed: no work for a room of one,
 * one task per loop and one flush per member per batch, a relay budget that holds, presence that does
 * not grow with the square of the room.
 */
@Timeout(120)
class RoomIT {

    private static final Duration WAIT = Duration.ofSeconds(30);

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();
    private final LineCounter printed = new LineCounter();


    private ChatServer start(ChatServerConfig.Builder config) throws IOException {
        return servers.start(config.udpPort(0).tcpPort(0).maxConnectionsPerIp(2000).build(),
                new PrintingSink(printed, MessageFormat.PLAIN));
    }

    private Client join(ChatServer server) throws IOException {
        Client client = new Client(server);
        servers.closeAfterEach(client);
        assertThat(client.readLine()).isEqualTo("Server connected");
        client.skipJoinLine();
        return client;
    }

    private static String lines(int from, int to, String pad) {
        StringBuilder batch = new StringBuilder();
        for (int i = from; i < to; i++) {
            batch.append("m ").append(i).append(pad).append('\n');
        }
        return batch.toString();
    }

    @Test
    void aRoomOfOneDoesNoRelayWorkAtAll() throws Exception {
        ChatServer server = start(ChatServerConfig.builder());
        LocalRoom room = (LocalRoom) server.room();
        Client alone = join(server);
        int messages = 20_000;
        alone.out.write(lines(0, messages, "").getBytes(UTF_8));
        alone.out.flush();
        assertThat(printed.await(messages, WAIT)).isEqualTo(messages);

        assertThat(room.deliveries()).as("batches delivered").isZero();
        assertThat(room.budget().peak()).as("relay bytes ever encoded").isZero();
        assertThat(server.stats().relaysSent()).isZero();

        // What was said to nobody is still the history of whoever comes next: the last lines, in order.
        Client next = new Client(server);
        servers.closeAfterEach(next);
        assertThat(next.readLine()).isEqualTo("Server connected");
        assertThat(next.readLine()).endsWith(ChatCommands.JOIN_LINE_END);
        int kept = room.historySize();
        assertThat(next.readLine()).isEqualTo("* last " + kept + " messages:");
        for (int i = messages - kept; i < messages; i++) {
            assertThat(next.readLine()).matches("\\[\\d\\d:\\d\\d:\\d\\d\\] 127\\.0\\.0\\.1 : m " + i);
        }
        assertThat(next.readLine()).isEqualTo("* end of history");
    }

    @Test
    void aBurstTravelsAsFewBatchesWithOneFlushPerMemberEach() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().ioThreads(4));
        LocalRoom room = (LocalRoom) server.room();
        int receivers = 40;
        int messages = 5_000;
        List<Client> clients = new ArrayList<>();
        for (int i = 0; i < receivers; i++) {
            clients.add(join(server));
        }
        Client sender = join(server);
        // Let the join notices settle before counting.
        Thread.sleep(200);
        long deliveriesBefore = room.deliveries();
        long flushesBefore = room.flushes();

        ExecutorService readers = Executors.newFixedThreadPool(receivers);
        try {
            List<Future<Integer>> got = new ArrayList<>();
            for (Client client : clients) {
                got.add(readers.submit(() -> readInOrder(client, messages)));
            }
            // Four writes of 1,250 lines: a message per task would be 5,000 tasks per loop.
            for (int part = 0; part < 4; part++) {
                sender.out.write(lines(part * messages / 4, (part + 1) * messages / 4, "").getBytes(UTF_8));
                sender.out.flush();
            }
            for (Future<Integer> f : got) {
                assertThat(f.get(60, TimeUnit.SECONDS)).isEqualTo(messages);
            }
        } finally {
            readers.shutdownNow();
        }
        long deliveries = room.deliveries() - deliveriesBefore;
        long flushes = room.flushes() - flushesBefore;
        System.err.printf("batching: %,d messages to %d receivers in %,d loop deliveries, %,d flushes%n",
                messages, receivers, deliveries, flushes);
        assertThat(server.stats().relaysSent()).isEqualTo((long) receivers * messages);
        // At most 4 loops; a batch is a read's worth of lines, dozens to hundreds of them.
        assertThat(deliveries).as("tasks on event loops").isLessThan(4L * messages / 10);
        assertThat(flushes / receivers).as("flushes per member").isLessThan(messages / 10);
        // Every batch was written out: the budget has it all back.
        RelayBudget budget = room.budget();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (budget.used() != 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(budget.used()).as("relay bytes still charged").isZero();
    }

    private static int readInOrder(Client client, int count) throws IOException {
        for (int next = 0; next < count; next++) {
            String line = client.readMessage();
            if (line == null) {
                throw new AssertionError("connection closed after " + next + " messages");
            }
            assertThat(line).isEqualTo("127.0.0.1 : m " + next);
        }
        return count;
    }

    @Test
    void theRelayBudgetHoldsWhileClientsThatNeverReadPinRelaysAndNothingIsLost() throws Exception {
        long limit = RelayOptions.MIN_RELAY_BUDGET;
        int maxLine = 1024;
        ChatServer server = start(ChatServerConfig.builder()
                .relayBudget(limit).clientBuffer(64 * 1024).maxLineLength(maxLine).ioThreads(4));
        RelayBudget budget = ((LocalRoom) server.room()).budget();
        Client reader = join(server);
        Client sender = join(server);
        int messages = 30_000;
        String pad = " " + "y".repeat(150);
        ExecutorService reading = Executors.newSingleThreadExecutor();
        try {
            Future<Integer> got = reading.submit(() -> readInOrderWithPad(reader, messages, pad));
            // A client that never reads joins every 2,000 lines: each pins a different stretch of relays
            // (64 KiB, its own limit), ten of them far more than the budget.
            for (int part = 0; part < messages / 2000; part++) {
                if (part < 10) {
                    Client stuck = join(server);
                    stuck.socket.setReceiveBufferSize(4096);
                }
                sender.out.write(lines(part * 2000, (part + 1) * 2000, pad).getBytes(UTF_8));
                sender.out.flush();
            }
            assertThat(got.get(90, TimeUnit.SECONDS)).isEqualTo(messages);
        } finally {
            reading.shutdownNow();
        }
        assertThat(printed.await(messages, WAIT)).as("every line printed").isEqualTo(messages);
        System.err.printf("budget: limit %,d, peak %,d, senders paused %,d times%n",
                budget.limit(), budget.peak(), budget.waits());
        assertThat(budget.waits()).as("the budget was spent, and senders waited").isPositive();
        // Each loop may add one line after the last check: at most one maximal line each over.
        assertThat(budget.peak()).as("relay bytes waiting at once").isLessThanOrEqualTo(limit + 4L * (maxLine + 64));
    }

    private static int readInOrderWithPad(Client client, int count, String pad) throws IOException {
        for (int next = 0; next < count; next++) {
            String line = client.readMessage();
            if (line == null) {
                throw new AssertionError("connection closed after " + next + " messages");
            }
            assertThat(line).isEqualTo("127.0.0.1 : m " + next + pad);
        }
        return count;
    }

    @Test
    void whileTheBudgetIsSpentUdpLinesArePrintedButNotRelayedAndAStuckMemberIsCutOffButStillHeard() throws Exception {
        // A client buffer given, as large as the budget: a default one would shrink to the stuck client's share.
        ChatServer server = start(ChatServerConfig.builder().relayBudget(RelayOptions.MIN_RELAY_BUDGET)
                .clientBuffer(RelayOptions.DEFAULT_CLIENT_BUFFER));
        RelayBudget budget = ((LocalRoom) server.room()).budget();
        Client stuck = join(server);
        stuck.socket.setReceiveBufferSize(4096);
        Client sender = join(server);
        int messages = 40_000;
        String pad = " " + "z".repeat(150);
        // 6 MB. The stuck client's kernel takes a little (the unsent limit), then it pins its own limit
        // (256 KiB) of relays, as much as the whole budget, and the sender is paused: the rest of the 6 MB
        // waits in the sender's socket, so it is written from another thread.
        ExecutorService writing = Executors.newSingleThreadExecutor();
        Future<?> written = writing.submit(() -> {
            sender.out.write(lines(0, messages, pad).getBytes(UTF_8));
            sender.out.flush();
            return null;
        });
        writing.shutdown();
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (budget.waits() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertThat(budget.waits()).as("the sender was paused").isPositive();

        // Datagrams sent while the budget is seen spent, until one is shed (the budget may open briefly
        // as relays drain before the stuck client pins it for good).
        int datagrams = 0;
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] data = "over udp while the budget is spent".getBytes(UTF_8);
            deadline = System.nanoTime() + WAIT.toNanos();
            while (server.stats().relaysShed() == 0 && System.nanoTime() < deadline) {
                if (!budget.isOpen()) {
                    udp.send(new DatagramPacket(data, data.length, InetAddress.getLoopbackAddress(),
                            server.udpAddress().getPort()));
                    datagrams++;
                }
                Thread.sleep(20);
            }
        }
        assertThat(server.stats().relaysShed()).as("a UDP line was not relayed").isPositive();
        written.get(WAIT.toSeconds(), TimeUnit.SECONDS);
        assertThat(printed.await(messages + datagrams, WAIT)).as("every line printed, the UDP ones too")
                .isEqualTo(messages + datagrams);

        // The stuck client was cut off (the relays it held let go), and the room flows again.
        Client late = join(server);
        sender.send("after");
        assertThat(late.readMessage()).isEqualTo("127.0.0.1 : after");
        // Cut off, not closed: it gets no more relays (missed, counted), but what it sends is still printed.
        long dropped = server.stats().relaysDropped();
        sender.send("not for the stuck one");
        assertThat(late.readMessage()).isEqualTo("127.0.0.1 : not for the stuck one");
        assertThat(server.stats().relaysDropped()).as("the stuck client missed it").isGreaterThan(dropped);
        assertThat(server.stats().connectionsCurrent()).as("the stuck client is still connected").isEqualTo(3);
        stuck.send("still heard");
        assertThat(late.readMessage()).isEqualTo("127.0.0.1 : still heard");
        assertThat(printed.await(messages + datagrams + 3, WAIT)).as("every line printed, the stuck one's too")
                .isEqualTo(messages + datagrams + 3);
    }

    @Test
    void aCrowdJoiningIsToldInSummaryNotOneNoticePerJoinToEveryone() throws Exception {
        ChatServer server = start(ChatServerConfig.builder());
        LocalRoom room = (LocalRoom) server.room();
        int crowd = 500;
        int threshold = LocalRoom.DEFAULT_PRESENCE_THRESHOLD;
        var roomLog = (ch.qos.logback.classic.Logger) LoggerFactory.getLogger(LocalRoom.class);
        Level testLevel = roomLog.getLevel();
        roomLog.setLevel(Level.INFO); // as the server runs by default
        Client first;
        try (LogCapture log = LogCapture.start()) {
            first = join(server);
            for (int i = 1; i < crowd; i++) {
                join(server);
            }
            // The log too: each join up to the threshold, then summaries (the crowd's joins at debug level).
            List<String> said = log.messages(Level.INFO);
            assertThat(said.stream().filter(m -> m.contains(" joined (")).count()).isEqualTo(threshold);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (log.messages(Level.INFO).stream().noneMatch(m -> m.contains(" left in the last "))
                    && System.nanoTime() < deadline) {
                Thread.sleep(20);
            }
            assertThat(log.messages(Level.INFO))
                    .anyMatch(m -> m.matches("\\d+ joined and 0 left in the last 5 s; \\d+ here"));
        } finally {
            roomLog.setLevel(testLevel);
        }
        assertThat(room.size()).isEqualTo(crowd);
        String summary = null;
        for (String line = first.readLine(); line != null; line = first.readLine()) {
            if (line.contains(" left in the last ")) {
                summary = line;
                break;
            }
        }
        assertThat(summary).matches("\\* \\d+ joined and 0 left in the last 5 s; \\d+ here");
        long notices = room.noticesWritten();
        System.err.printf("presence: %,d joins, %,d notice lines written%n", crowd, notices);
        // One notice per join to everyone would be crowd^2/2 = 125,000; here: the first hundred joins
        // one by one (threshold^2/2), then a summary line to everyone every 5 s.
        assertThat(notices).isLessThanOrEqualTo((long) threshold * threshold / 2 + 3L * crowd);
    }
}
