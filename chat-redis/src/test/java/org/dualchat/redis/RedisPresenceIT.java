package org.dualchat.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.ServerExtension;
import org.dualchat.redis.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Presence across three in-process nodes of one room in a real redis-server: {@code /who} lists every node's
 * members, a nick is unique across nodes (two claiming one at once included), joins and leaves reach every
 * node, and a new node's joiner is shown the room's history from the stream.
 */
@Timeout(60)
class RedisPresenceIT {

    private static final Duration WAIT = ServerExtension.WAIT;

    // Declared first: started before the nodes, stopped after them.
    @RegisterExtension
    final RedisExtension redis = new RedisExtension();

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    private Nodes nodes() {
        return new Nodes(servers, redis.uri());
    }

    /** Asks {@code /who} until its reply lists {@code count} members, or the wait is over; the reply's lines. */
    private static List<String> who(Socket client, int count) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        List<String> lines;
        do {
            Nodes.say(client, "/who");
            String head = Nodes.awaitLine(client, l -> l.matches("\\* \\d+ here:"));
            int n = Integer.parseInt(head.substring(2, head.indexOf(' ', 2)));
            lines = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                lines.add(ServerExtension.readLine(client.getInputStream()));
            }
            if (n == count) {
                return lines;
            }
            Thread.sleep(200);
        } while (System.nanoTime() < deadline);
        return lines;
    }

    @Test
    void whoListsEveryNodesMembersAndJoinsAndLeavesReachEveryNode() throws Exception {
        Nodes nodes = nodes();
        ChatServer a = nodes.start(LineCollector.open());
        ChatServer b = nodes.start(LineCollector.open());
        ChatServer c = nodes.start(LineCollector.open());
        Socket alice = nodes.client(a);
        Socket bob = nodes.client(b);
        assertThat(Nodes.awaitLine(alice, l -> l.endsWith(" joined"))).isEqualTo("* " + Nodes.port(bob) + " joined");
        Socket carol = nodes.client(c);
        assertThat(Nodes.awaitLine(alice, l -> l.endsWith(" joined"))).isEqualTo("* " + Nodes.port(carol) + " joined");
        // Bob may first be told of alice, whose join came through the stream after he was there.
        String carolJoined = "* " + Nodes.port(carol) + " joined";
        assertThat(Nodes.awaitLine(bob, l -> l.equals(carolJoined))).isEqualTo(carolJoined);

        assertThat(who(carol, 3)).containsExactlyInAnyOrder(
                "*   " + Nodes.port(alice), "*   " + Nodes.port(bob), "*   " + Nodes.port(carol) + " (you)");

        Nodes.say(bob, "/quit lunch");
        assertThat(Nodes.awaitLine(alice, l -> l.contains(" left"))).isEqualTo("* " + Nodes.port(bob) + " left (lunch)");
        assertThat(Nodes.awaitLine(carol, l -> l.contains(" left"))).isEqualTo("* " + Nodes.port(bob) + " left (lunch)");
        assertThat(who(alice, 2)).containsExactlyInAnyOrder("*   " + Nodes.port(alice) + " (you)", "*   " + Nodes.port(carol));
    }

    @Test
    void aNickIsUniqueAcrossNodesEvenWhenTwoClaimItAtOnce() throws Exception {
        Nodes nodes = nodes();
        ChatServer a = nodes.start(LineCollector.open());
        ChatServer b = nodes.start(LineCollector.open());
        ChatServer c = nodes.start(LineCollector.open());
        Socket alice = nodes.client(a);
        Socket bob = nodes.client(b);
        Nodes.say(alice, "/nick sam");
        assertThat(Nodes.awaitLine(alice, l -> l.startsWith("* you are now"))).isEqualTo("* you are now sam@" + Nodes.port(alice));
        assertThat(Nodes.awaitLine(bob, l -> l.contains(" is now "))).isEqualTo("* " + Nodes.port(alice) + " is now sam");
        Nodes.say(bob, "/nick SAM");
        assertThat(Nodes.awaitLine(bob, l -> l.startsWith("* the nick") || l.startsWith("* you are now")))
                .isEqualTo("* the nick SAM is taken");

        // Two clients on two nodes claim one nick at the same moment, twenty times over: one wins each time.
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            for (int round = 0; round < 20; round++) {
                Socket first = nodes.client(b);
                Socket second = nodes.client(c);
                String nick = "zed" + round;
                CountDownLatch go = new CountDownLatch(1);
                List<Future<String>> answers = new ArrayList<>();
                for (Socket claimant : List.of(first, second)) {
                    answers.add(pool.submit(() -> {
                        go.await();
                        Nodes.say(claimant, "/nick " + nick);
                        return Nodes.awaitLine(claimant, l -> l.startsWith("* the nick") || l.startsWith("* you are now"));
                    }));
                }
                go.countDown();
                long won = 0;
                for (Future<String> answer : answers) {
                    if (answer.get(WAIT.toSeconds(), TimeUnit.SECONDS).startsWith("* you are now " + nick + "@")) {
                        won++;
                    }
                }
                assertThat(won).as("winners of %s", nick).isEqualTo(1);
                first.close();
                second.close();
            }
        } finally {
            pool.shutdownNow();
        }

        // A nick is given back when its holder leaves.
        alice.close();
        long deadline = System.nanoTime() + WAIT.toNanos();
        String answer;
        do {
            Nodes.say(bob, "/nick Sam");
            answer = Nodes.awaitLine(bob, l -> l.startsWith("* the nick") || l.startsWith("* you are now"));
        } while (!answer.startsWith("* you are now") && System.nanoTime() < deadline && sleep(200));
        assertThat(answer).isEqualTo("* you are now Sam@" + Nodes.port(bob));
    }

    @Test
    void aNewNodesJoinerIsShownTheRoomsHistoryFromTheStream() throws Exception {
        Nodes nodes = nodes();
        ChatServer a = nodes.start(LineCollector.open());
        Socket alice = nodes.client(a);
        Socket friend = nodes.client(a);
        for (int i = 1; i <= 25; i++) {
            Nodes.say(alice, "line " + i);
        }
        // Back through the stream: all 25 are in Redis.
        assertThat(Nodes.messages(friend, 25)).last().isEqualTo("127.0.0.1 : line 25");

        // A node started after the talk: its ring is empty, so its history comes from the stream.
        ChatServer b = nodes.start(LineCollector.open());
        Socket bob = nodes.client(b);
        assertThat(Nodes.awaitLine(bob, l -> l.startsWith("* last "))).isEqualTo("* last 20 messages:");
        for (int i = 6; i <= 25; i++) {
            assertThat(ServerExtension.readLine(bob.getInputStream()))
                    .matches("\\[\\d\\d:\\d\\d:\\d\\d\\] 127\\.0\\.0\\.1 : line " + i);
        }
        assertThat(ServerExtension.readLine(bob.getInputStream())).isEqualTo("* end of history");
        Nodes.say(alice, "live");
        assertThat(Nodes.message(bob)).as("the next line after the history, once").isEqualTo("127.0.0.1 : live");
    }

    @Test
    void afterRedisLosesItsDataEachNodeListsItsMembersAndClaimsTheirNicksAgain() throws Exception {
        Nodes nodes = nodes();
        ChatServer a = nodes.start(LineCollector.open());
        ChatServer b = nodes.start(LineCollector.open());
        Socket alice = nodes.client(a);
        Socket bob = nodes.client(b);
        Nodes.say(alice, "/nick alice");
        assertThat(Nodes.awaitLine(alice, l -> l.startsWith("* you are now"))).isEqualTo("* you are now alice@" + Nodes.port(alice));
        Nodes.say(bob, "/nick bob");
        assertThat(Nodes.awaitLine(bob, l -> l.startsWith("* you are now"))).isEqualTo("* you are now bob@" + Nodes.port(bob));
        assertThat(awaitListed(2)).as("both nodes and both nicks in Redis").isTrue();

        // Redis forgets everything while it runs, then is restarted without persistence: empty both times.
        redis.server().command("FLUSHALL");
        assertThat(redis.server().command("HLEN", "dualchat:dualchat:nicks")).isEqualTo(0L);
        assertThat(awaitListed(2)).as("listed again after FLUSHALL").isTrue();
        redis.server().restart();
        assertThat(redis.server().command("HLEN", "dualchat:dualchat:nicks")).isEqualTo(0L);
        assertThat(awaitListed(2)).as("listed again after a restart that lost the data").isTrue();

        // A node started now knows the others only from what they listed again.
        ChatServer c = nodes.start(LineCollector.open());
        Socket carol = nodes.client(c);
        assertThat(who(carol, 3)).containsExactlyInAnyOrder("*   alice@" + Nodes.port(alice), "*   bob@" + Nodes.port(bob),
                "*   " + Nodes.port(carol) + " (you)");
        // The nicks are unique across the room again.
        Nodes.say(carol, "/nick ALICE");
        assertThat(Nodes.awaitLine(carol, l -> l.startsWith("* the nick") || l.startsWith("* you are now")))
                .isEqualTo("* the nick ALICE is taken");
        Nodes.say(alice, "still one room");
        assertThat(Nodes.message(bob)).isEqualTo("alice@127.0.0.1 : still one room");
        assertThat(Nodes.message(carol)).isEqualTo("alice@127.0.0.1 : still one room");
    }

    /** Waits until Redis lists {@code count} nodes, each alive, with their members and {@code count} nicks. */
    private boolean awaitListed(int count) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (System.nanoTime() < deadline) {
            try {
                Object listed = redis.server().command("SMEMBERS", "dualchat:dualchat:nodes");
                if (listed instanceof List<?> names && names.size() == count
                        && Long.valueOf(count).equals(redis.server().command("HLEN", "dualchat:dualchat:nicks"))
                        && names.stream().allMatch(node -> alive(String.valueOf(node)))) {
                    return true;
                }
            } catch (IOException restarting) {
                // Try again.
            }
            Thread.sleep(100);
        }
        return false;
    }

    private boolean alive(String node) {
        try {
            return Long.valueOf(1).equals(redis.server().command("EXISTS", "dualchat:dualchat:alive:" + node))
                    && Long.valueOf(1).equals(redis.server().command("HLEN", "dualchat:dualchat:who:" + node));
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }
}
