package org.dualchat.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.room.RelayBudget;
import org.dualchat.netty.room.RelayOptions;
import org.dualchat.netty.stats.ServerStats.Count;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.ServerExtension;
import org.dualchat.redis.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A slow node never slows the others: node c has a member that does not read, so c's relay budget is spent and
 * c's reader stops reading the stream, while a's senders go on and b's client gets every line, in order, before
 * c has caught up. c's lag grows meanwhile; once its slow member leaves, c reads on from where it stopped.
 */
@Timeout(90)
class SlowNodeIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SENDERS = 2;
    private static final int PER_SENDER = 3000;
    private static final int TOTAL = SENDERS * PER_SENDER;
    /** About 1 KB a line: 6 MB in all, more than the kernel's buffers for c's slow member take. */
    private static final String PAD = " " + "p".repeat(1000);

    // Declared first: started before the nodes, stopped after them.
    @RegisterExtension
    final RedisExtension redis = new RedisExtension();

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    @Test
    void aSlowNodeFallsBehindAloneWhileTheOthersGoOnAndCatchesUpOnceItsSlowMemberLeaves() throws Exception {
        Nodes nodes = new Nodes(servers, redis.uri());
        ChatServer a = nodes.start(LineCollector.open());
        ChatServer b = nodes.start(LineCollector.open());
        long budget = RelayOptions.MIN_RELAY_BUDGET;
        ChatServer c = nodes.start(LineCollector.open(), options -> { },
                server -> server.relayBudget(budget).clientBuffer((int) budget));
        RedisRoom roomB = nodes.room(b);
        RedisRoom roomC = nodes.room(c);
        RelayBudget budgetC = roomC.local().budget();

        // c's slow member: a small receive window, and it never reads.
        Socket slow = servers.closeAfterEach(new Socket());
        slow.setReceiveBufferSize(4096);
        slow.connect(c.tcpAddress());
        Socket carol = nodes.client(c);
        Socket bob = nodes.client(b);
        List<Socket> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            senders.add(nodes.client(a));
        }

        ExecutorService pool = Executors.newFixedThreadPool(2 + SENDERS);
        try {
            List<String> atBob = new CopyOnWriteArrayList<>();
            List<String> atCarol = new CopyOnWriteArrayList<>();
            Future<?> bobReads = pool.submit(() -> read(bob, atBob));
            Future<?> carolReads = pool.submit(() -> read(carol, atCarol));
            long start = System.nanoTime();
            List<Future<?>> sent = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                Socket sender = senders.get(s);
                int id = s;
                sent.add(pool.submit(() -> send(sender, id)));
            }
            for (Future<?> f : sent) {
                f.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            long sentAt = System.nanoTime();
            assertThat(await(() -> atBob.size() >= TOTAL)).as("b's client got every line: %s of %s",
                    atBob.size(), TOTAL).isTrue();
            long atBAt = System.nanoTime();

            // b has everything while c is stuck behind its slow member (or soon is: c reads at its own pace, and
            // 6 MB is more than the slow member's kernel buffers take): c did not hold a or b back.
            assertThat(await(() -> budgetC.waits() > 0)).as("c's reader waits for its relay budget").isTrue();
            assertThat(StreamReader.compare(roomC.lastId(), roomB.lastId())).as("c has read less of the stream"
                    + " than b (c at %s, b at %s)", roomC.lastId(), roomB.lastId()).isNegative();
            assertThat(atCarol.size()).as("c's reading client is behind").isLessThan(TOTAL);
            long lag = c.stats().get(Count.ROOM_LAG_MILLIS);
            Thread.sleep(3 * ReaderWaits.TICK_MILLIS);
            assertThat(c.stats().get(Count.ROOM_LAG_MILLIS)).as("c's lag grows while it waits (was %s ms)", lag)
                    .isGreaterThan(lag);
            assertThat(b.stats().get(Count.ROOM_LAG_MILLIS)).as("b is not behind").isLessThan(lag + 1000);
            assertInOrder(atBob);

            // The slow member leaves: c reads on from where it stopped, and its client gets everything, in order.
            int carolThen = atCarol.size();
            long left = System.nanoTime();
            slow.close();
            assertThat(await(() -> atCarol.size() >= TOTAL)).as("c's client caught up: %s of %s",
                    atCarol.size(), TOTAL).isTrue();
            assertInOrder(atCarol);
            System.err.printf("slow node: sent in %d ms, all at b after %d ms (c at %d), c caught up %d ms after"
                    + " its slow member left; c's reader waited %d times%n", (sentAt - start) / 1_000_000,
                    (atBAt - start) / 1_000_000, carolThen, (System.nanoTime() - left) / 1_000_000, budgetC.waits());
            assertThat(atCarol).as("the same order on both nodes").isEqualTo(atBob);
            assertThat(await(() -> roomC.lastId().equals(roomB.lastId())
                    && c.stats().get(Count.ROOM_LAG_MILLIS) < 1000)).as("c's lag is back down").isTrue();
            bob.shutdownOutput();
            carol.shutdownOutput();
            bobReads.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            carolReads.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(atBob).hasSize(TOTAL);
            assertThat(atCarol).hasSize(TOTAL);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Void send(Socket sender, int id) throws IOException {
        for (int i = 0; i < PER_SENDER; i += 100) {
            String[] burst = new String[100];
            for (int k = 0; k < burst.length; k++) {
                burst[k] = "s" + id + "-" + (i + k) + PAD;
            }
            Nodes.say(sender, burst);
        }
        return null;
    }

    /** Collects the relayed messages (not the room's notices) until the connection ends. */
    private static Void read(Socket client, List<String> into) throws IOException {
        client.setSoTimeout((int) WAIT.toMillis());
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), UTF_8));
        String line;
        while ((line = in.readLine()) != null && into.size() < TOTAL) {
            if (!line.startsWith("* ")) {
                into.add(line);
            }
        }
        return null;
    }

    /** Each sender's lines complete and in the order sent. */
    private static void assertInOrder(List<String> lines) {
        int[] next = new int[SENDERS];
        for (String line : lines) {
            assertThat(line).startsWith("127.0.0.1 : s").endsWith(PAD);
            String id = line.substring("127.0.0.1 : s".length(), line.length() - PAD.length());
            int dash = id.indexOf('-');
            int sender = Integer.parseInt(id.substring(0, dash));
            assertThat(Integer.parseInt(id.substring(dash + 1))).as("sender %s's next line", sender)
                    .isEqualTo(next[sender]++);
        }
        for (int s = 0; s < SENDERS; s++) {
            assertThat(next[s]).as("sender %s's lines", s).isEqualTo(PER_SENDER);
        }
    }

    private static boolean await(BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                return false;
            }
            Thread.sleep(20);
        }
        return true;
    }
}
