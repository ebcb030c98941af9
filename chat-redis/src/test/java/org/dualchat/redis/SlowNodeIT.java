package org.dualchat.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import java.util.function.IntSupplier;
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
 * c's clients get a fixed kernel send buffer: left to the kernel, it grows (up to {@code net.ipv4.tcp_wmem}'s
 * largest, 4 MB here, more on other machines) and lets c go on now and then. The senders go on until c is stuck,
 * then send a last share.
 */
@Timeout(90)
class SlowNodeIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final int SENDERS = 2;
    private static final int BURST = 100;
    /** What each sender sends once c is stuck behind its slow member, so that c is behind when b has all. */
    private static final int AFTER_WAIT = 2 * BURST;
    /** How far the senders keep ahead of c's reading client until c is stuck: c falls behind soon after. */
    private static final int AHEAD = 1000;
    /** About 1 KB a line; each sender stops at 64 MB, by when the slow member's kernel buffers are full. */
    private static final String PAD = " " + "p".repeat(1000);
    private static final int MOST_PER_SENDER = 64_000;
    /** c's clients' kernel send buffer (Linux doubles it). */
    private static final int SEND_BUFFER = 64 * 1024;
    /** How long c's reading client gets nothing, with c's budget spent, before c counts as stuck. */
    private static final Duration STILL = Duration.ofMillis(300);

    // Declared first: started before the nodes, stopped after them.
    @RegisterExtension
    final RedisExtension redis = new RedisExtension();

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    @Test
    void aSlowNodeFallsBehindAloneWhileTheOthersGoOnAndCatchesUpOnceItsSlowMemberLeaves() throws Exception {
        Nodes nodes = new Nodes(servers, redis.uri());
        ChatServer a = nodes.start(LineCollector.open());
        // b's client reads in a thread of this busy JVM, which may not run for a moment: a client buffer that holds
        // the whole run, so that it misses nothing meanwhile. With the default 256 KB it missed 246 lines in CI, and
        // a reader held up for 1.5 s at its 500th line missed 523 (tried); with this buffer, nothing.
        ChatServer b = nodes.start(LineCollector.open(), options -> { }, server -> server.clientBuffer(16 << 20));
        long budget = RelayOptions.MIN_RELAY_BUDGET;
        // A client buffer above the budget: the slow member alone spends c's budget once its kernel buffers are
        // full, and the reading member is never over its buffer (missing lines) before the budget pauses c.
        // (Equal, a member's buffer counts Netty's per-write overhead too, and fills before the budget.)
        ChatServer c = nodes.start(LineCollector.open(), options -> { }, server -> server.relayBudget(budget)
                .clientBuffer((int) (2 * budget)).tcpSendBuffer(SEND_BUFFER));
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
            AtomicInteger sentByAll = new AtomicInteger();
            AtomicBoolean stuck = new AtomicBoolean();
            List<Future<Integer>> sending = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                Socket sender = senders.get(s);
                int id = s;
                sending.add(pool.submit(() -> send(sender, id, sentByAll, atCarol::size, stuck::get)));
            }
            // c is stuck once its budget is spent and its reading client has got nothing more for a while (a
            // budget spent for a moment while that client reads is not it).
            int seen = -1;
            long still = System.nanoTime();
            long deadline = still + WAIT.toNanos();
            while (!stuck.get() && System.nanoTime() < deadline) {
                Thread.sleep(20);
                int now = atCarol.size();
                if (now != seen || budgetC.used() < budgetC.limit()) {
                    seen = now;
                    still = System.nanoTime();
                } else if (System.nanoTime() - still > STILL.toNanos()) {
                    stuck.set(true);
                }
            }
            int[] sent = new int[SENDERS];
            for (int s = 0; s < SENDERS; s++) {
                sent[s] = sending.get(s).get(WAIT.toSeconds(), TimeUnit.SECONDS);
            }
            int total = Arrays.stream(sent).sum();
            long sentAt = System.nanoTime();
            assertThat(await(() -> atBob.size() >= total)).as("b's client got every line: %s of %s (b dropped %s relays)",
                    atBob.size(), total, b.stats().get(Count.RELAYS_DROPPED)).isTrue();
            long atBAt = System.nanoTime();

            // b has everything while c is stuck behind its slow member: c did not hold a or b back.
            assertThat(await(() -> budgetC.waits() > 0)).as("c's reader waits for its relay budget").isTrue();
            assertThat(StreamReader.compare(roomC.lastId(), roomB.lastId())).as("c has read less of the stream"
                    + " than b (c at %s, b at %s)", roomC.lastId(), roomB.lastId()).isNegative();
            assertThat(atCarol.size()).as("c's reading client is behind").isLessThan(total);
            long lag = c.stats().get(Count.ROOM_LAG_MILLIS);
            Thread.sleep(3 * ReaderWaits.TICK_MILLIS);
            assertThat(c.stats().get(Count.ROOM_LAG_MILLIS)).as("c's lag grows while it waits (was %s ms)", lag)
                    .isGreaterThan(lag);
            assertThat(b.stats().get(Count.ROOM_LAG_MILLIS)).as("b is not behind").isLessThan(lag + 1000);
            assertInOrder(atBob, sent);

            // The slow member leaves: c reads on from where it stopped, and its client gets everything, in order.
            int carolThen = atCarol.size();
            long left = System.nanoTime();
            slow.close();
            assertThat(await(() -> atCarol.size() >= total)).as("c's client caught up: %s of %s",
                    atCarol.size(), total).isTrue();
            assertInOrder(atCarol, sent);
            System.err.printf("slow node: %d lines sent in %d ms, all at b after %d ms (c at %d), c caught up %d ms"
                    + " after its slow member left; c's reader waited %d times%n", total, (sentAt - start) / 1_000_000,
                    (atBAt - start) / 1_000_000, carolThen, (System.nanoTime() - left) / 1_000_000, budgetC.waits());
            assertThat(atCarol).as("the same order on both nodes").isEqualTo(atBob);
            assertThat(await(() -> roomC.lastId().equals(roomB.lastId())
                    && c.stats().get(Count.ROOM_LAG_MILLIS) < 1000)).as("c's lag is back down").isTrue();
            bob.shutdownOutput();
            carol.shutdownOutput();
            bobReads.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            carolReads.get(WAIT.toSeconds(), TimeUnit.SECONDS);
            assertThat(atBob).hasSize(total);
            assertThat(atCarol).hasSize(total);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Sends bursts, keeping at most {@link #AHEAD} lines ahead of c's reading client, until c is {@code stuck};
     * then {@link #AFTER_WAIT} lines more. Returns how many it sent.
     */
    private static int send(Socket sender, int id, AtomicInteger sentByAll, IntSupplier atC, BooleanSupplier stuck)
            throws IOException, InterruptedException {
        int sent = 0;
        int last = MOST_PER_SENDER;
        while (sent < last) {
            String[] burst = new String[BURST];
            for (int k = 0; k < burst.length; k++) {
                burst[k] = "s" + id + "-" + (sent + k) + PAD;
            }
            Nodes.say(sender, burst);
            sent += BURST;
            int all = sentByAll.addAndGet(BURST);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (last == MOST_PER_SENDER && !stuck.getAsBoolean() && atC.getAsInt() < all - AHEAD
                    && System.nanoTime() < deadline) {
                Thread.sleep(2);
            }
            if (last == MOST_PER_SENDER && stuck.getAsBoolean()) {
                last = Math.min(MOST_PER_SENDER, sent + AFTER_WAIT);
            }
        }
        return sent;
    }

    /** Collects the relayed messages (not the room's notices) until the connection ends. */
    private static Void read(Socket client, List<String> into) throws IOException {
        client.setSoTimeout((int) WAIT.toMillis());
        BufferedReader in = new BufferedReader(new InputStreamReader(client.getInputStream(), UTF_8));
        String line;
        while ((line = in.readLine()) != null) {
            if (!line.startsWith("* ")) {
                into.add(line);
            }
        }
        return null;
    }

    /** Each sender's lines complete and in the order sent. */
    private static void assertInOrder(List<String> lines, int[] sent) {
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
            assertThat(next[s]).as("sender %s's lines", s).isEqualTo(sent[s]);
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
