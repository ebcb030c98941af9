package org.dualchat.redis;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.stats.ServerStats.Count;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.ServerExtension;
import org.dualchat.redis.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * While Redis is slow to answer, TCP senders pause, and each paused connection waits with one task in the
 * writer's queue, however often it is paused: the queue is bounded by the connections. Nothing is lost.
 */
@Timeout(60)
class SendersPausedIT {

    private static final int SENDERS = 2;
    private static final int MAX_IN_FLIGHT = 16;
    private static final Duration PAUSE = Duration.ofMillis(700);

    // Declared first: started before the nodes, stopped after them.
    @RegisterExtension
    final RedisExtension redis = new RedisExtension();

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    @Test
    void aConnectionPausedAgainAndAgainWaitsWithOneTaskAndLosesNothing() throws Exception {
        Nodes nodes = new Nodes(servers, redis.uri());
        ChatServer a = nodes.start(LineCollector.open(), options -> options.maxInFlight(MAX_IN_FLIGHT));
        ChatServer b = nodes.start(LineCollector.open());
        RedisRoom roomA = nodes.room(a);
        Socket bob = nodes.client(b);
        List<Socket> senders = new ArrayList<>();
        for (int s = 0; s < SENDERS; s++) {
            senders.add(nodes.client(a));
        }
        AtomicBoolean talking = new AtomicBoolean(true);
        ExecutorService pool = Executors.newFixedThreadPool(SENDERS);
        int most = 0;
        int pausedSamples = 0;
        List<Integer> sent = new ArrayList<>();
        try {
            List<Future<Integer>> sending = new ArrayList<>();
            for (int s = 0; s < SENDERS; s++) {
                Socket sender = senders.get(s);
                int id = s;
                sending.add(pool.submit(() -> talk(sender, id, talking)));
            }
            // Redis holds every write for a while, three times: each sender is paused each time, and resumed.
            for (int round = 0; round < 3; round++) {
                redis.server().command("CLIENT", "PAUSE", Long.toString(PAUSE.toMillis()), "WRITE");
                long until = System.nanoTime() + PAUSE.toNanos() + 200_000_000L;
                while (System.nanoTime() < until) {
                    int waiting = roomA.sendersWaitingForRedis();
                    most = Math.max(most, waiting);
                    pausedSamples += waiting > 0 ? 1 : 0;
                    Thread.sleep(1);
                }
            }
            talking.set(false);
            for (Future<Integer> f : sending) {
                sent.add(f.get(30, TimeUnit.SECONDS));
            }
        } finally {
            pool.shutdownNow();
        }
        assertThat(pausedSamples).as("senders waited for Redis").isPositive();
        assertThat(most).as("tasks waiting for Redis at once, at most one per paused connection")
                .isBetween(1, SENDERS);
        assertThat(a.stats().get(Count.ROOM_NOT_SHARED)).as("every TCP line shared, none dropped").isZero();

        // Every line reaches the other node, each sender's in order.
        int total = sent.stream().mapToInt(Integer::intValue).sum();
        int[] next = new int[SENDERS];
        bob.setSoTimeout(30_000);
        BufferedReader in = new BufferedReader(new InputStreamReader(bob.getInputStream(), UTF_8));
        for (int got = 0; got < total; ) {
            String line = in.readLine();
            assertThat(line).as("line %s of %s", got, total).isNotNull();
            if (line.startsWith("* ")) {
                continue;
            }
            String[] parts = line.substring("127.0.0.1 : s".length()).split("-");
            int sender = Integer.parseInt(parts[0]);
            assertThat(Integer.parseInt(parts[1])).as("sender %s's next line", sender).isEqualTo(next[sender]++);
            got++;
        }
        assertThat(roomA.sendersWaitingForRedis()).as("none left waiting once all is through").isZero();
        System.err.printf("senders paused: %s lines sent, at most %d tasks waiting for Redis, in %d samples%n",
                sent, most, pausedSamples);
    }

    /** Sends bursts of numbered lines until told to stop (at most 200,000); how many it sent. */
    private static int talk(Socket sender, int id, AtomicBoolean talking) throws Exception {
        int n = 0;
        while (talking.get() && n < 200_000) {
            String[] burst = new String[20];
            for (int k = 0; k < burst.length; k++) {
                burst[k] = "s" + id + "-" + (n + k);
            }
            Nodes.say(sender, burst);
            n += burst.length;
            Thread.sleep(10);
        }
        return n;
    }
}
