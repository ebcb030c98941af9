package org.dualchat.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.stats.ServerStats.Count;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.Loopback;
import org.dualchat.netty.testing.LogCapture;
import org.dualchat.netty.testing.ServerExtension;
import org.dualchat.redis.testing.RedisExtension;
import org.dualchat.redis.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Redis going away in the middle of a chat: local clients still served, one warning, nothing lost that was shared. */
@Timeout(90)
class RedisFailureIT {

    // Persistent (an append-only file, fsync on every write): the stream survives a restart.
    @RegisterExtension
    final RedisExtension redis = new RedisExtension(true);

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    @Test
    void redisRestartedInTheMiddleOfAChat() throws Exception {
        Nodes nodes = new Nodes(servers, redis.uri());
        try (LogCapture log = LogCapture.start()) {
            ChatServer a = nodes.start(LineCollector.open(), o -> o.node("a"));
            ChatServer b = nodes.start(LineCollector.open(), o -> o.node("b"));
            Socket alice = nodes.client(a);
            Socket aliceFriend = nodes.client(a);
            Socket bob = nodes.client(b);

            Nodes.say(alice, lines("before", 20));
            assertThat(Nodes.messages(bob, 20)).isEqualTo(received("before", 20));
            assertThat(Nodes.messages(aliceFriend, 20)).isEqualTo(received("before", 20));

            redis.server().stop();
            Nodes.say(alice, lines("during", 10));
            assertThat(Nodes.messages(aliceFriend, 10)).as("this node's clients are still served")
                    .isEqualTo(received("during", 10));
            assertThat(a.stats().get(Count.ROOM_NOT_SHARED)).isEqualTo(10);

            redis.server().start();
            awaitConnections(redis.server(), 4);
            Nodes.say(alice, lines("after", 20));
            assertThat(Nodes.messages(bob, 20)).as("the chat goes on across nodes; what was not shared is not replayed")
                    .isEqualTo(received("after", 20));
            assertThat(Nodes.messages(aliceFriend, 20)).isEqualTo(received("after", 20));
            assertThat(log.warnings().stream().filter(w -> w.contains("is unreachable")).toList())
                    .as("one warning per node, not one per message").hasSize(2);
            // Counted as Redis's answer comes back, which may be a moment after the other node read the entry.
            Loopback.await(() -> a.stats().get(Count.ROOM_SHARED) >= 40, Duration.ofSeconds(10));
            assertThat(a.stats().get(Count.ROOM_SHARED)).isEqualTo(40);
        }
    }

    @Test
    void aNodeCutOffFromRedisResumesFromItsLastIdAndMissesNothing() throws Exception {
        Nodes nodes = new Nodes(servers, redis.uri());
        ChatServer a = nodes.start(LineCollector.open(), o -> o.node("a"));
        ChatServer b = nodes.start(LineCollector.open(), o -> o.node("b"));
        Socket alice = nodes.client(a);
        Socket bob = nodes.client(b);
        int count = 400;
        CompletableFuture<Void> talking = CompletableFuture.runAsync(() -> {
            try {
                for (int i = 0; i < count; i += 20) {
                    List<String> burst = new ArrayList<>();
                    for (int k = i; k < i + 20; k++) {
                        burst.add("line-" + k);
                    }
                    Nodes.say(alice, burst.toArray(String[]::new));
                    Thread.sleep(5);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        // Cut b's reading connection while alice talks, twice: b reconnects and reads on from its last id.
        for (int cut = 0; cut < 2; cut++) {
            Thread.sleep(150);
            long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (!Long.valueOf(1).equals(kill(redis.server(), "dualchat:b:reader"))) {
                assertThat(System.nanoTime()).as("b's reader is connected again").isLessThan(deadline);
                Thread.sleep(20);
            }
        }
        talking.get();
        assertThat(Nodes.messages(bob, count)).isEqualTo(received("line", count));
        assertThat(a.stats().get(Count.ROOM_NOT_SHARED)).isZero();
        // Counted once the batch is handed on: a moment after b's client may have seen it.
        Loopback.await(() -> b.stats().get(Count.ROOM_FROM_OTHERS) >= count, Duration.ofSeconds(10));
        assertThat(b.stats().get(Count.ROOM_FROM_OTHERS)).isEqualTo(count);
    }

    private static Object kill(RedisServer server, String name) throws Exception {
        for (String line : String.valueOf(server.command("CLIENT", "LIST")).split("\n")) {
            if (line.contains(" name=" + name + " ")) {
                String id = line.substring(3, line.indexOf(' '));
                return server.command("CLIENT", "KILL", "ID", id);
            }
        }
        return 0L;
    }

    /** Waits until the nodes have reconnected: {@code count} named connections of ours. */
    private static void awaitConnections(RedisServer server, int count) throws Exception {
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (String.valueOf(server.command("CLIENT", "LIST")).split("name=dualchat:", -1).length - 1 < count) {
            assertThat(System.nanoTime()).as("the nodes reconnect").isLessThan(deadline);
            Thread.sleep(50);
        }
        // Lettuce marks a connection usable just after Redis lists it; the writer rejects until then.
        Thread.sleep(300);
    }

    private static String[] lines(String prefix, int count) {
        String[] lines = new String[count];
        for (int i = 0; i < count; i++) {
            lines[i] = prefix + "-" + i;
        }
        return lines;
    }

    private static List<String> received(String prefix, int count) {
        List<String> lines = new ArrayList<>();
        for (String line : lines(prefix, count)) {
            lines.add("127.0.0.1 : " + line);
        }
        return lines;
    }
}
