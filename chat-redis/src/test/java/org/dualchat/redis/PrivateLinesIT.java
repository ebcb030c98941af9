package org.dualchat.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.Socket;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.ServerExtension;
import org.dualchat.redis.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code /msg NICK TEXT} to a member of another node, over real sockets through a real redis-server: the line
 * reaches that member alone, in its place among the sender's lines; no node prints it, relays it or shows it as
 * history; a nick no one in the room holds is answered as on one node.
 */
@Timeout(60)
class PrivateLinesIT {

    // Declared first: started before the nodes, stopped after them.
    @RegisterExtension
    final RedisExtension redis = new RedisExtension();

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    private static void nick(Socket client, String nick) throws IOException {
        Nodes.say(client, "/nick " + nick);
        assertThat(Nodes.awaitLine(client, l -> l.startsWith("* you are now") || l.startsWith("* the nick")))
                .isEqualTo("* you are now " + nick + "@" + Nodes.port(client));
    }

    @Test
    void aPrivateLineReachesItsReceiverOnAnotherNodeAloneAndInItsPlace() throws Exception {
        Nodes nodes = new Nodes(servers, redis.uri());
        LineCollector outA = LineCollector.open();
        LineCollector outB = LineCollector.open();
        ChatServer a = nodes.start(outA, options -> options.printRoom(true));
        ChatServer b = nodes.start(outB, options -> options.printRoom(true));
        Socket alice = nodes.client(a);
        Socket dave = nodes.client(a);
        Socket bob = nodes.client(b);
        Socket carol = nodes.client(b);
        nick(alice, "alice");
        nick(bob, "bob");

        Nodes.say(alice, "before", "/msg BOB psst", "after");
        assertThat(Nodes.awaitLine(alice, l -> l.startsWith("* to ") || l.startsWith("* no one")))
                .as("the sender is told whom it reached").isEqualTo("* to bob@" + Nodes.port(bob) + ": psst");
        assertThat(Nodes.messages(bob, 3)).as("bob's private line, between alice's two public ones").containsExactly(
                "alice@127.0.0.1 : before", "[private] alice@127.0.0.1 : psst", "alice@127.0.0.1 : after");
        assertThat(Nodes.messages(carol, 2)).as("bob's neighbour does not see it")
                .containsExactly("alice@127.0.0.1 : before", "alice@127.0.0.1 : after");
        assertThat(Nodes.messages(dave, 2)).as("nor alice's")
                .containsExactly("alice@127.0.0.1 : before", "alice@127.0.0.1 : after");

        // And back the other way, to the sender's node.
        Nodes.say(bob, "/msg alice and to you");
        assertThat(Nodes.awaitLine(bob, l -> l.startsWith("* to "))).isEqualTo("* to alice@" + Nodes.port(alice) + ": and to you");
        assertThat(Nodes.message(alice)).isEqualTo("[private] bob@127.0.0.1 : and to you");

        // No one in the room holds the nick: said so, as on one node; nothing is sent.
        Nodes.say(bob, "/msg nobody hello?");
        assertThat(Nodes.awaitLine(bob, l -> l.startsWith("* "))).isEqualTo("* no one here is called nobody (/who lists who is)");

        Nodes.say(carol, "last");
        assertThat(Nodes.message(dave)).as("nothing else reached dave").isEqualTo("127.0.0.1 : last");
        // Printed with --print-room: every public line, never a private one.
        outA.await(lines -> lines.size() >= 3, ServerExtension.WAIT);
        outB.await(lines -> lines.size() >= 3, ServerExtension.WAIT);
        assertThat(outA.lines()).containsExactly("alice@127.0.0.1 : before", "alice@127.0.0.1 : after",
                "127.0.0.1 : last");
        assertThat(outB.lines()).containsExactly("alice@127.0.0.1 : before", "alice@127.0.0.1 : after",
                "127.0.0.1 : last");

        // A node started afterwards shows its joiner the room's history from the stream: without private lines.
        ChatServer c = nodes.start(LineCollector.open());
        Socket erin = nodes.client(c);
        assertThat(Nodes.awaitLine(erin, l -> l.startsWith("* last "))).isEqualTo("* last 3 messages:");
        for (String text : new String[] {"alice@127.0.0.1 : before", "alice@127.0.0.1 : after", "127.0.0.1 : last"}) {
            assertThat(ServerExtension.readLine(erin.getInputStream())).endsWith("] " + text);
        }
        assertThat(ServerExtension.readLine(erin.getInputStream())).isEqualTo("* end of history");
    }

    @Test
    void aNickGivenBackIsAnsweredAsUnknownRoomWideAndItsNextHolderGetsWhatIsSentToIt() throws Exception {
        Nodes nodes = new Nodes(servers, redis.uri());
        ChatServer a = nodes.start(LineCollector.open());
        ChatServer b = nodes.start(LineCollector.open());
        Socket alice = nodes.client(a);
        Socket bob = nodes.client(b);
        nick(alice, "alice");
        nick(bob, "bob");
        bob.close();
        Nodes.awaitLine(alice, l -> l.endsWith(" left"));
        // Once bob's nick is given back, no one holds it: the sender learns so.
        long deadline = System.nanoTime() + ServerExtension.WAIT.toNanos();
        String answer;
        do {
            Nodes.say(alice, "/msg bob are you there");
            answer = Nodes.awaitLine(alice, l -> l.startsWith("* to ") || l.startsWith("* no one"));
        } while (answer.startsWith("* to ") && System.nanoTime() < deadline);
        assertThat(answer).isEqualTo("* no one here is called bob (/who lists who is)");
        Socket bob2 = nodes.client(b);
        nick(bob2, "bob");
        Nodes.say(alice, "/msg bob hello again");
        assertThat(Nodes.awaitLine(alice, l -> l.startsWith("* to "))).isEqualTo("* to bob@" + Nodes.port(bob2) + ": hello again");
        assertThat(Nodes.message(bob2)).as("the new bob gets what was sent to him, and only that")
                .isEqualTo("[private] alice@127.0.0.1 : hello again");
    }

    @Test
    void whileItsNodeWaitsForRedisAPrivateLineIsRefusedAsBusyAndWhileRedisIsDownAsUnreachable() throws Exception {
        Nodes nodes = new Nodes(servers, redis.uri());
        ChatServer a = nodes.start(LineCollector.open(), options -> options.maxInFlight(4));
        ChatServer b = nodes.start(LineCollector.open());
        Socket alice = nodes.client(a);
        Socket dave = nodes.client(a);
        Socket bob = nodes.client(b);
        nick(bob, "bob");

        // Redis holds writes: alice's lines wait for it, three of four at most, so a's senders must wait.
        redis.server().command("CLIENT", "PAUSE", "3000", "WRITE");
        Nodes.say(alice, "one", "two", "three", "four");
        long deadline = System.nanoTime() + ServerExtension.WAIT.toNanos();
        while (nodes.room(a).gate().isOpen() && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        Nodes.say(dave, "/msg bob psst");
        assertThat(Nodes.awaitLine(dave, PrivateLinesIT::isAnswer))
                .isEqualTo("* the room is busy: not sent to bob, try again in a moment");
        redis.server().command("CLIENT", "UNPAUSE");
        assertThat(Nodes.messages(bob, 4)).containsExactly("127.0.0.1 : one", "127.0.0.1 : two",
                "127.0.0.1 : three", "127.0.0.1 : four");
        Nodes.say(dave, "/msg bob psst");
        assertThat(Nodes.awaitLine(dave, PrivateLinesIT::isAnswer)).isEqualTo("* to bob@" + Nodes.port(bob) + ": psst");
        assertThat(Nodes.message(bob)).as("only the line that was sent").isEqualTo("[private] 127.0.0.1 : psst");

        redis.server().stop();
        deadline = System.nanoTime() + ServerExtension.WAIT.toNanos();
        String answer;
        do {
            Nodes.say(dave, "/msg bob are you there");
            answer = Nodes.awaitLine(dave, PrivateLinesIT::isAnswer);
        } while (answer.startsWith("* to ") && System.nanoTime() < deadline && sleep(50));
        assertThat(answer).isEqualTo("* cannot send to bob now: the room cannot be reached; try again");
    }

    /** The reply to a {@code /msg}. */
    private static boolean isAnswer(String line) {
        return line.startsWith("* to ") || line.startsWith("* no one") || line.startsWith("* the room is busy")
                || line.startsWith("* cannot send");
    }

    private static boolean sleep(long millis) throws InterruptedException {
        Thread.sleep(millis);
        return true;
    }
}
