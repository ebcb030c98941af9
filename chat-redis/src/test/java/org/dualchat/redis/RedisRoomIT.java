package org.dualchat.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.stats.ServerStats.Count;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.Loopback;
import org.dualchat.netty.testing.ServerExtension;
import org.dualchat.redis.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Three in-process nodes in one room through a real redis-server: relay over TCP and UDP, one order, printing. */
@Timeout(60)
class RedisRoomIT {

    private static final Duration WAIT = ServerExtension.WAIT;

    // Declared first: started before the nodes, stopped after them.
    @RegisterExtension
    final RedisExtension redis = new RedisExtension();

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    private Nodes nodes() {
        return new Nodes(servers, redis.uri());
    }

    @Test
    void aTcpLineAndADatagramReachEveryNodeAndEachNodePrintsWhatItReceived() throws Exception {
        Nodes nodes = nodes();
        LineCollector outA = LineCollector.open();
        LineCollector outB = LineCollector.open();
        LineCollector outC = LineCollector.open();
        ChatServer a = nodes.start(outA);
        ChatServer b = nodes.start(outB);
        ChatServer c = nodes.start(outC, options -> options.printRoom(true));
        Socket alice = nodes.client(a);
        Socket aliceFriend = nodes.client(a);
        Socket bob = nodes.client(b);
        Socket carol = nodes.client(c);

        Nodes.say(alice, "hello from a");
        assertThat(Nodes.message(bob)).isEqualTo("127.0.0.1 : hello from a");
        assertThat(Nodes.message(carol)).isEqualTo("127.0.0.1 : hello from a");
        assertThat(Nodes.message(aliceFriend)).as("the sender's own node, through the stream")
                .isEqualTo("127.0.0.1 : hello from a");

        ServerExtension.sendUdp(b, "datagram to b");
        for (Socket client : List.of(alice, aliceFriend, bob, carol)) {
            assertThat(Nodes.message(client)).isEqualTo("127.0.0.1 : datagram to b");
        }
        // The sender never gets its own line back: the next thing alice reads is carol's.
        Nodes.say(carol, "from c");
        assertThat(Nodes.message(alice)).isEqualTo("127.0.0.1 : from c");

        outA.await(lines -> lines.size() >= 1, WAIT);
        outB.await(lines -> lines.size() >= 1, WAIT);
        outC.await(lines -> lines.size() >= 3, WAIT);
        assertThat(outA.lines()).as("a prints what a received").containsExactly("127.0.0.1 : hello from a");
        assertThat(outB.lines()).containsExactly("127.0.0.1 : datagram to b");
        assertThat(outC.lines()).as("--print-room: everything the room carries, in its order")
                .containsExactly("127.0.0.1 : hello from a", "127.0.0.1 : datagram to b", "127.0.0.1 : from c");
        // A node counts a batch read from others once it has handed it on: a moment after its clients may see it.
        Loopback.await(() -> c.stats().get(Count.ROOM_FROM_OTHERS) >= 2, WAIT);
        assertThat(a.stats().get(Count.ROOM_SHARED)).isEqualTo(1);
        assertThat(c.stats().get(Count.ROOM_FROM_OTHERS)).isEqualTo(2);
        assertThat(a.stats().get(Count.ROOM_NOT_SHARED)).isZero();
    }

    @Test
    void everyClientOnEveryNodeSeesOneOrderAndEachSendersOrder() throws Exception {
        Nodes nodes = nodes();
        List<ChatServer> all = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            all.add(nodes.start(LineCollector.open()));
        }
        List<Socket> senders = new ArrayList<>();
        List<Socket> receivers = new ArrayList<>();
        for (ChatServer node : all) {
            senders.add(nodes.client(node));
            receivers.add(nodes.client(node));
        }
        int perSender = 300;
        ExecutorService pool = Executors.newFixedThreadPool(3);
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int s = 0; s < senders.size(); s++) {
                Socket sender = senders.get(s);
                int id = s;
                sent.add(pool.submit((Callable<Void>) () -> {
                    for (int i = 0; i < perSender; i += 10) {
                        String[] burst = new String[10];
                        for (int k = 0; k < 10; k++) {
                            burst[k] = "s" + id + "-" + (i + k);
                        }
                        Nodes.say(sender, burst);
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<List<String>> seen = new ArrayList<>();
        for (Socket receiver : receivers) {
            seen.add(Nodes.messages(receiver, senders.size() * perSender));
        }
        for (List<String> order : seen) {
            assertThat(order).as("every receiver sees the same order").isEqualTo(seen.get(0));
        }
        for (int s = 0; s < senders.size(); s++) {
            String prefix = "127.0.0.1 : s" + s + "-";
            List<String> own = seen.get(0).stream().filter(line -> line.startsWith(prefix)).toList();
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < perSender; i++) {
                expected.add(prefix + i);
            }
            assertThat(own).as("sender %d's lines, in the order sent", s).isEqualTo(expected);
        }
    }

    @Test
    void manySendersOnOneNodeOnSeveralEventLoopsLoseNothingOnTheirOwnNode() throws Exception {
        // Senders on different event loops number their lines in one order and may append them in another:
        // every line must still come back to the node's own clients.
        Nodes nodes = nodes();
        ChatServer a = nodes.start(LineCollector.open(), options -> { });
        Socket receiver = nodes.client(a);
        List<Socket> senders = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            senders.add(nodes.client(a));
        }
        int perSender = 200;
        ExecutorService pool = Executors.newFixedThreadPool(senders.size());
        try {
            List<Future<?>> sent = new ArrayList<>();
            for (int s = 0; s < senders.size(); s++) {
                Socket sender = senders.get(s);
                int id = s;
                sent.add(pool.submit((Callable<Void>) () -> {
                    for (int i = 0; i < perSender; i++) {
                        Nodes.say(sender, "s" + id + "-" + i);
                    }
                    return null;
                }));
            }
            for (Future<?> f : sent) {
                f.get();
            }
        } finally {
            pool.shutdown();
        }
        List<String> got = Nodes.messages(receiver, senders.size() * perSender);
        assertThat(got).doesNotHaveDuplicates().hasSize(senders.size() * perSender);
        assertThat(a.stats().get(Count.ROOM_NOT_SHARED)).isZero();
    }

    @Test
    void aSenderFasterThanRedisWaitsRatherThanGoUnshared() throws Exception {
        // At most 4 additions may wait for Redis on node a: its TCP sender must pause, not lose the other nodes.
        Nodes nodes = nodes();
        ChatServer a = nodes.start(LineCollector.open(), options -> options.maxInFlight(4));
        ChatServer b = nodes.start(LineCollector.open());
        Socket receiver = nodes.client(b);
        Socket sender = nodes.client(a);
        int count = 3000;
        String[] lines = new String[count];
        for (int i = 0; i < count; i++) {
            lines[i] = "line " + i;
        }
        Nodes.say(sender, lines);

        List<String> got = Nodes.messages(receiver, count);
        assertThat(got).hasSize(count).doesNotHaveDuplicates();
        assertThat(got.get(count - 1)).endsWith(" : line " + (count - 1));
        assertThat(a.stats().get(Count.ROOM_NOT_SHARED)).as("messages node a could not share").isZero();
    }

    @Test
    void withOwnMessagesRelayedLocallyTheOtherNodesStillGetThemOnce() throws Exception {
        Nodes nodes = nodes();
        ChatServer a = nodes.start(LineCollector.open(), options -> options.ownThroughStream(false));
        ChatServer b = nodes.start(LineCollector.open(), options -> options.ownThroughStream(false));
        Socket alice = nodes.client(a);
        Socket aliceFriend = nodes.client(a);
        Socket bob = nodes.client(b);
        Nodes.say(alice, "one", "two");
        assertThat(Nodes.messages(aliceFriend, 2)).containsExactly("127.0.0.1 : one", "127.0.0.1 : two");
        assertThat(Nodes.messages(bob, 2)).containsExactly("127.0.0.1 : one", "127.0.0.1 : two");
        Nodes.say(bob, "three");
        assertThat(Nodes.message(aliceFriend)).as("not a duplicate of one or two").isEqualTo("127.0.0.1 : three");
        aliceFriend.setSoTimeout(300);
        try {
            String extra = Nodes.message(aliceFriend);
            assertThat(extra).as("nothing more").isNull();
        } catch (SocketTimeoutException expected) {
            // Nothing more came.
        } catch (IOException | AssertionError e) {
            throw e;
        }
    }
}
