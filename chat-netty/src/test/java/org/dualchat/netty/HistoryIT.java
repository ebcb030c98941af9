package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.RelayIT.Client;
import org.dualchat.netty.RelayIT.LineCounter;
import org.dualchat.netty.room.ChatCommands;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * History on join over real loopback sockets: a joiner reads the last messages, marked, after its join line
 * and before the live ones; while a sender keeps talking, every joiner sees each of its lines exactly once,
 * in order, across the seam between history and live.
 */
@Timeout(120)
class HistoryIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String TIME = "\\[\\d\\d:\\d\\d:\\d\\d\\] ";

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();
    private final LineCounter printed = new LineCounter();
    private final AtomicInteger shownHistory = new AtomicInteger();

    private ChatServer start(int history) throws IOException {
        return servers.start(ChatServerConfig.builder().udpPort(0).tcpPort(0).history(history).build(),
                new PrintingSink(printed, MessageFormat.PLAIN));
    }

    private Client connect(ChatServer server) throws IOException {
        Client client = new Client(server);
        servers.closeAfterEach(client);
        assertThat(client.readLine()).isEqualTo("Server connected");
        assertThat(client.readLine()).endsWith(ChatCommands.JOIN_LINE_END);
        return client;
    }

    @Test
    void aJoinerReadsTheLastMessagesMarkedAsHistoryThenLiveOnes() throws Exception {
        ChatServer server = start(5);
        Client alice = connect(server);
        for (int i = 1; i <= 7; i++) {
            alice.send("line " + i);
        }
        assertThat(printed.await(7, WAIT)).isEqualTo(7);

        Client bob = connect(server);
        assertThat(bob.readLine()).isEqualTo("* last 5 messages:");
        for (int i = 3; i <= 7; i++) {
            assertThat(bob.readLine()).matches(TIME + "127\\.0\\.0\\.1 : line " + i);
        }
        assertThat(bob.readLine()).isEqualTo("* end of history");
        alice.send("live");
        assertThat(bob.readMessage()).isEqualTo("127.0.0.1 : live");
    }

    @Test
    void udpLinesSaidToAnEmptyRoomAreTheNextJoinersHistoryInOrder() throws Exception {
        ChatServer server = start(5);
        try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            // One datagram of seven lines: one read, offered to the empty room at once.
            byte[] lines = "u1\nu2\nu3\nu4\nu5\nu6\nu7\n".getBytes(StandardCharsets.UTF_8);
            udp.send(new DatagramPacket(lines, lines.length, InetAddress.getLoopbackAddress(),
                    server.udpAddress().getPort()));
        }
        assertThat(printed.await(7, WAIT)).isEqualTo(7);

        Client bob = connect(server);
        assertThat(bob.readLine()).isEqualTo("* last 5 messages:");
        for (int i = 3; i <= 7; i++) {
            assertThat(bob.readLine()).matches(TIME + "127\\.0\\.0\\.1 : u" + i);
        }
        assertThat(bob.readLine()).isEqualTo("* end of history");
    }

    @Test
    void historyZeroShowsNone() throws Exception {
        ChatServer server = start(0);
        Client alice = connect(server);
        alice.send("unseen");
        assertThat(printed.await(1, WAIT)).isEqualTo(1);

        Client bob = connect(server);
        alice.send("seen");
        assertThat(bob.readMessage()).isEqualTo("127.0.0.1 : seen");
    }

    @Test
    void joinersWhileASenderTalksSeeEachLineOnceInOrderAcrossHistoryAndLive() throws Exception {
        int joiners = 24;
        int maxLines = 200_000;
        ChatServer server = start(20);
        Client sender = connect(server);
        AtomicBoolean allJoined = new AtomicBoolean();
        ExecutorService pool = Executors.newFixedThreadPool(joiners + 1);
        try {
            // The sender talks, 10 lines a millisecond or so, until every joiner is in; then says "end".
            Future<Integer> sending = pool.submit(() -> {
                int n = 0;
                while (n < maxLines && (!allJoined.get() || n < 100)) {
                    sender.send("n " + n++);
                    if (n % 10 == 0) {
                        Thread.sleep(1);
                    }
                }
                sender.send("end");
                return n;
            });
            List<Future<List<Integer>>> seen = new ArrayList<>();
            for (int j = 0; j < joiners; j++) {
                // Joiners arrive while the sender talks: on every event loop, some with members already there.
                Thread.sleep(j % 2 == 0 ? 3 : 11);
                Client joiner = connect(server);
                seen.add(pool.submit(() -> numbersSeen(joiner)));
            }
            allJoined.set(true);
            int sent = sending.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            for (Future<List<Integer>> each : seen) {
                List<Integer> numbers = each.get(WAIT.toSeconds(), TimeUnit.SECONDS);
                assertThat(numbers).as("a joiner's lines").isNotEmpty();
                int first = numbers.get(0);
                for (int i = 0; i < numbers.size(); i++) {
                    assertThat(numbers.get(i)).as("line %d after %d: no gap, no duplicate", i, first)
                            .isEqualTo(first + i);
                }
                assertThat(numbers.get(numbers.size() - 1)).isEqualTo(sent - 1);
            }
            assertThat(shownHistory.get()).as("joiners that were shown some history, then live lines")
                    .isGreaterThan(joiners / 2);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The numbers a joiner reads, history first then live, up to the sender's {@code end}; notices skipped. A
     * history line must come between the header and the end line, a live line after them.
     */
    private List<Integer> numbersSeen(Client joiner) throws IOException {
        List<Integer> numbers = new ArrayList<>();
        String line = joiner.readLine();
        if (line.startsWith("* last ")) {
            shownHistory.incrementAndGet();
            while (!(line = joiner.readLine()).equals("* end of history")) {
                assertThat(line).matches(TIME + "127\\.0\\.0\\.1 : n \\d+");
                numbers.add(Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1)));
            }
            line = joiner.readLine();
        }
        while (true) {
            if (line == null) {
                throw new AssertionError("the server closed after " + tail(numbers));
            }
            if (line.equals("127.0.0.1 : end")) {
                return numbers;
            }
            if (!line.startsWith("* ")) {
                assertThat(line).matches("127\\.0\\.0\\.1 : n \\d+");
                numbers.add(Integer.parseInt(line.substring(line.lastIndexOf(' ') + 1)));
            }
            try {
                line = joiner.readLine();
            } catch (SocketTimeoutException e) {
                throw new AssertionError("nothing more after " + tail(numbers), e);
            }
        }
    }

    private static String tail(List<Integer> numbers) {
        return numbers.size() + " lines, the last " + numbers.subList(Math.max(0, numbers.size() - 5), numbers.size());
    }
}
