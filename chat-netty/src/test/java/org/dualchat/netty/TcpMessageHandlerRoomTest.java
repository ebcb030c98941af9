package org.dualchat.netty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundHandlerAdapter;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.dualchat.netty.common.HeldMessages;
import org.dualchat.netty.room.ChatCommands;
import org.dualchat.netty.room.LocalRoom;
import org.dualchat.netty.room.Member;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.testing.ControlledSink;
import org.dualchat.netty.testing.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link TcpMessageHandler} in a {@link LocalRoom}, an embedded channel per client: relays, presence, commands. */
@Timeout(10)
class TcpMessageHandlerRoomTest {

    private final ServerStats stats = new ServerStats();
    private final LocalRoom room = new LocalRoom(stats, 16 << 20, null);
    private final ControlledSink sink = ControlledSink.unbounded();
    private final HeldMessages held = new HeldMessages();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private String lastJoinLine;

    @AfterEach
    void finishAll() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    /** A client from {@code ip:port} that has joined the room. */
    private EmbeddedChannel client(String ip, int port) {
        EmbeddedChannel ch = new EmbeddedChannel(new TcpMessageHandler(sink, new byte[0], held, room)) {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress(ip, port);
            }
        };
        channels.add(ch);
        // The first line a joiner gets (after the greeting, empty here): who is here, and /help.
        ByteBuf first = ch.readOutbound();
        lastJoinLine = first.toString(UTF_8);
        assertThat(lastJoinLine).startsWith("* ").endsWith("; /help lists the commands\n");
        first.release();
        return ch;
    }

    /**
     * Every line written to {@code ch} so far, once the room's tasks have run: each loop's batch (a
     * departed client's loop's too) and then the deliveries it queued on {@code ch}'s loop.
     */
    private List<String> received(EmbeddedChannel ch) {
        for (EmbeddedChannel each : channels) {
            each.runPendingTasks();
        }
        ch.runPendingTasks();
        List<String> lines = new ArrayList<>();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            String text = buf.toString(UTF_8);
            buf.release();
            for (String line : text.split("\n")) {
                lines.add(line);
            }
        }
        return lines;
    }

    @Test
    void relaysEachLineToEveryoneButItsSenderInTheSameShapeAsPrinted() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel bob = client("::1", 40002);
        EmbeddedChannel carol = client("10.0.0.3", 40003);
        received(alice);
        received(bob);
        received(carol);

        alice.writeInbound("hello", "second");
        assertThat(received(bob)).containsExactly("127.0.0.1 : hello", "127.0.0.1 : second");
        assertThat(received(carol)).containsExactly("127.0.0.1 : hello", "127.0.0.1 : second");
        assertThat(received(alice)).as("not echoed to its sender").isEmpty();
        assertThat(sink.texts()).containsExactly("hello", "second");
        assertThat(stats.relaysSent()).isEqualTo(4);
    }

    @Test
    void relaysWhatTheConsoleAndUdpSay() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        room.relay(ChatMessage.fromConsole("from the operator"), null, null);
        room.relay(new ChatMessage(Protocol.UDP, "::1", 5000, "over udp"), null, null);
        assertThat(received(alice)).containsExactly("server : from the operator", "::1 : over udp");
    }

    @Test
    void escapesControlCharactersInRelays() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel bob = client("127.0.0.1", 40002);
        received(bob);
        alice.writeInbound("\u001b[2Jgone\rfake");
        assertThat(received(bob)).containsExactly("127.0.0.1 : \\x1b[2Jgone\\x0dfake");
    }

    @Test
    void tellsTheOthersWhoJoinsAndLeaves() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel bob = client("::1", 40002);
        assertThat(received(alice)).containsExactly("* [::1]:40002 joined");
        assertThat(received(bob)).as("no notice of one's own joining").isEmpty();
        bob.close();
        assertThat(received(alice)).containsExactly("* [::1]:40002 left");
        assertThat(room.size()).isEqualTo(1);
    }

    @Test
    void nickIsValidatedUniqueAndShownInFrontOfTheIp() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel bob = client("127.0.0.1", 40002);
        received(alice);

        alice.writeInbound("/nick alice");
        assertThat(received(alice)).containsExactly("* you are now alice@127.0.0.1:40001");
        assertThat(received(bob)).containsExactly("* 127.0.0.1:40001 is now alice");

        bob.writeInbound("/nick ALICE", "/nick 9lives", "/nick server", "/nick " + "x".repeat(25), "/nick");
        assertThat(received(bob)).containsExactly(
                "* the nick ALICE is taken",
                "* a nick starts with a letter",
                "* the nick server is reserved",
                "* a nick has at most 24 characters",
                "* usage: /nick NAME");

        alice.writeInbound("hi");
        assertThat(received(bob)).containsExactly("alice@127.0.0.1 : hi");
        assertThat(sink.messages()).containsExactly(new ChatMessage(Protocol.TCP, "127.0.0.1", 40001, "alice", "hi"));
        assertThat(sink.texts()).as("commands are not messages").containsExactly("hi");

        // A nick given up is free again.
        alice.writeInbound("/nick al");
        bob.writeInbound("/nick alice");
        assertThat(received(bob)).contains("* you are now alice@127.0.0.1:40002");
    }

    @Test
    void whoListsEveryoneToTheAskerOnly() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel bob = client("127.0.0.1", 40002);
        alice.writeInbound("/nick alice");
        received(alice);
        received(bob);
        bob.writeInbound("/who");
        assertThat(received(bob)).containsExactly(
                "* 2 here:", "*   127.0.0.1:40002 (you)", "*   alice@127.0.0.1:40001");
        assertThat(received(alice)).isEmpty();
    }

    @Test
    void meIsAnActionEveryoneSeesTheSenderIncludedMarkedAsSuch() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel bob = client("127.0.0.1", 40002);
        alice.writeInbound("/nick alice");
        received(bob);
        received(alice);
        alice.writeInbound("/me waves");
        assertThat(received(bob)).containsExactly("* alice@127.0.0.1 waves");
        assertThat(received(alice)).as("the sender sees it too").containsExactly("* alice@127.0.0.1 waves");
        assertThat(sink.texts()).containsExactly("waves");
        // Told from someone typing "* waves" by its mark, not by its text.
        bob.writeInbound("* waves");
        assertThat(received(alice)).containsExactly("127.0.0.1 : * waves");
        assertThat(sink.messages()).extracting(ChatMessage::action).containsExactly(true, false);
    }

    @Test
    void aJoinerOfALargeRoomIsToldHowManyAreHereRatherThanWho() {
        int threshold = LocalRoom.DEFAULT_PRESENCE_THRESHOLD;
        for (int i = 0; i < threshold - 1; i++) {
            client("127.0.0.1", 41000 + i);
        }
        client("127.0.0.1", 40999);
        assertThat(lastJoinLine).startsWith("* " + (threshold - 1) + " others here: ").contains(" and ")
                .endsWith(" more" + ChatCommands.JOIN_LINE_END + "\n");
        client("127.0.0.1", 40998);
        assertThat(lastJoinLine).isEqualTo("* " + threshold + " others here (/who lists them)"
                + ChatCommands.JOIN_LINE_END + "\n");
    }

    @Test
    void msgSendsToOneMemberAloneAndPrintsNothing() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel bob = client("127.0.0.1", 40002);
        EmbeddedChannel carol = client("127.0.0.1", 40003);
        bob.writeInbound("/nick Bob");
        alice.writeInbound("/nick alice");
        received(alice);
        received(bob);
        received(carol);

        alice.writeInbound("/msg bob psst, é");
        assertThat(received(bob)).containsExactly("[private] alice@127.0.0.1 : psst, é");
        assertThat(received(alice)).containsExactly("* to Bob@127.0.0.1:40002: psst, é");
        assertThat(received(carol)).isEmpty();
        assertThat(sink.texts()).as("not the operator's to read").isEmpty();

        alice.writeInbound("/msg nobody hi", "/msg bob");
        assertThat(received(alice)).containsExactly(
                "* no one here is called nobody (/who lists who is)", "* usage: /msg NICK TEXT");
        assertThat(received(bob)).isEmpty();
    }

    @Test
    void commandsAreCountedAsCommandsNotAsMessages() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        stats.tcpLineReceived(); // what the decoder counts for each line, before the handler sees it
        alice.writeInbound("/who");
        stats.tcpLineReceived();
        alice.writeInbound("/nick alice");
        stats.tcpLineReceived();
        alice.writeInbound("hello");
        assertThat(stats.commands()).isEqualTo(2);
        assertThat(stats.tcpLines()).isEqualTo(1);
    }

    @Test
    void quitSaysByeClosesAndTellsTheOthersWhy() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel bob = client("127.0.0.1", 40002);
        received(alice);
        bob.writeInbound("/quit time for lunch");
        assertThat(received(bob)).containsExactly("* bye");
        assertThat(bob.isOpen()).isFalse();
        assertThat(received(alice)).containsExactly("* 127.0.0.1:40002 left (time for lunch)");
    }

    @Test
    void unknownCommandsAreAnsweredAndNotRelayedWhileOtherSlashesAreText() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel bob = client("127.0.0.1", 40002);
        received(alice);
        received(bob);
        bob.writeInbound("/dance now", "/var/log/syslog", "//nick is a command", "/ ", "/help");
        List<String> toBob = received(bob);
        assertThat(toBob.get(0)).startsWith("* unknown command /dance: /help lists the commands");
        assertThat(toBob.get(1)).isEqualTo("* commands:");
        assertThat(toBob).hasSize(1 + ChatCommands.HELP.size());
        assertThat(received(alice)).containsExactly(
                "127.0.0.1 : /var/log/syslog", "127.0.0.1 : /nick is a command", "127.0.0.1 : / ");
    }

    @Test
    void aClientOverItsBufferMissesRelaysAndIsToldOnceItReadsAgain() {
        EmbeddedChannel slow = client("127.0.0.1", 40002);
        AtomicBoolean stuck = stopReading(slow);

        for (int i = 0; i < 20; i++) {
            room.relay(new ChatMessage(Protocol.UDP, "127.0.0.1", 5000, "message number " + i), null, null);
        }
        assertThat(slow.isWritable()).isFalse();
        long missed = stats.relaysDropped();
        assertThat(missed).isPositive().isLessThan(20);
        assertThat(stats.relaysSent() + missed).isEqualTo(20);

        stuck.set(false);
        slow.flush();
        List<String> lines = received(slow);
        assertThat(lines).hasSize((int) stats.relaysSent() + 1);
        assertThat(lines.get(0)).isEqualTo("127.0.0.1 : message number 0");
        assertThat(lines.get(lines.size() - 1)).isEqualTo("* you missed " + missed + " messages while you were"
                + " not reading fast enough");

        room.relay(new ChatMessage(Protocol.UDP, "127.0.0.1", 5000, "after"), null, null);
        assertThat(received(slow)).as("told once").containsExactly("127.0.0.1 : after");
    }

    @Test
    void whileEveryOtherMemberIsBlockedLinesAreCountedAsMissedWithoutBeingEncodedOrSent() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel bob = client("127.0.0.1", 40002);
        received(alice);
        AtomicBoolean stuck = stopReading(bob);
        int said = 0;
        while (stats.relaysDropped() == 0 && said < 100) { // until bob is over its buffer and misses one
            alice.writeInbound("line " + said++);
            received(alice);
        }
        assertThat(stats.relaysDropped()).isOne();
        long deliveries = room.deliveries();
        long peak = room.budget().peak();

        for (int i = 0; i < 10; i++) {
            alice.writeInbound("line " + said++);
            received(alice);
        }
        assertThat(room.deliveries()).as("batches handed to a loop").isEqualTo(deliveries);
        assertThat(stats.relaysDropped()).as("each counted as missed by bob").isEqualTo(11);
        assertThat(room.budget().used()).as("nothing encoded for nobody").isLessThanOrEqualTo(peak);

        stuck.set(false);
        bob.flush();
        List<String> lines = received(bob);
        assertThat(lines).hasSize((int) stats.relaysSent() + 1);
        assertThat(lines.get(lines.size() - 1)).isEqualTo("* you missed 11 messages while you were"
                + " not reading fast enough");
        assertThat(stats.relaysSent() + 11).isEqualTo(said);

        alice.writeInbound("after");
        assertThat(received(bob)).as("relayed again once it reads").containsExactly("127.0.0.1 : after");
    }

    @Test
    void aMemberThatReadsGetsEveryLineWhileAnotherIsBlockedEvenFromASenderThatHasLeft() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel bob = client("127.0.0.1", 40002);
        EmbeddedChannel carol = client("127.0.0.1", 40003);
        alice.writeInbound("/nick alice");
        received(carol);
        AtomicBoolean stuck = stopReading(bob);
        List<String> got = new ArrayList<>();
        int said = 0;
        while (stats.relaysDropped() < 10 && said < 200) { // until bob is blocked and has missed a few
            alice.writeInbound("line " + said++);
            got.addAll(received(carol));
        }
        assertThat(stats.relaysDropped()).isEqualTo(10);
        for (int i = 0; i < 10; i++) {
            alice.writeInbound("line " + said++);
            got.addAll(received(carol));
        }
        assertThat(got).as("carol reads: she gets every line").hasSize(said)
                .endsWith("alice@127.0.0.1 : line " + (said - 1));
        assertThat(stats.relaysDropped()).as("bob misses the rest").isEqualTo(20);

        // A line of alice's still on its way to the room as she leaves (a held line sent on once the sink had
        // room): carol, who reads, is still the one who can take it.
        Member gone = room.byNick("alice");
        alice.close();
        received(carol);
        room.relay(new ChatMessage(Protocol.TCP, "127.0.0.1", 40001, "alice", "last words"), gone, null);
        assertThat(received(carol)).containsExactly("alice@127.0.0.1 : last words");
        stuck.set(false);
    }

    @Test
    void whenBothStopReadingEachIsToldTheOthersLinesItMissedNotItsOwn() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel bob = client("127.0.0.1", 40002);
        received(alice);
        stopReading(alice);
        AtomicBoolean bobStuck = stopReading(bob);
        int aliceSaid = 0;
        int round = 0;
        // Until both are over their buffers and each has missed a line of the other's: both are blocked.
        while ((alice.isWritable() || bob.isWritable() || stats.relaysDropped() < 2) && round++ < 100) {
            alice.writeInbound("a " + aliceSaid++);
            bob.writeInbound("b " + round);
            received(alice);
        }
        long deliveries = room.deliveries();
        for (int i = 0; i < 5; i++) {
            alice.writeInbound("a " + aliceSaid++);
        }
        for (int i = 0; i < 7; i++) {
            bob.writeInbound("b more " + i);
        }
        received(alice);
        assertThat(room.deliveries()).as("each line's only receiver is blocked: none is sent").isEqualTo(deliveries);

        bobStuck.set(false);
        bob.flush();
        List<String> lines = received(bob);
        long got = lines.stream().filter(line -> line.startsWith("127.0.0.1 : a ")).count();
        String told = lines.get(lines.size() - 1);
        assertThat(told).startsWith("* you missed ");
        long missed = Long.parseLong(told.substring("* you missed ".length(), told.indexOf(' ', 13)));
        assertThat(got + missed).as("alice's lines, got or told; bob's own not among them").isEqualTo(aliceSaid);
    }

    @Test
    void linesHeldForABlockedRoomAreSettledOnceTheirTextReachesTheBoundNotOnlyAtTheEndOfTheRound() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel bob = client("127.0.0.1", 40002);
        received(alice);
        stopReading(bob);
        for (int i = 0; stats.relaysDropped() == 0 && i < 100; i++) { // until bob is blocked
            alice.writeInbound("line " + i);
            received(alice);
        }
        long dropped = stats.relaysDropped();
        // Read without running the loop's tasks (auto-read off): the round does not end, so held lines stay held.
        alice.config().setAutoRead(false);
        String text = "x".repeat(6_000);
        for (int i = 0; i < 3; i++) {
            alice.pipeline().fireChannelRead(text).fireChannelReadComplete();
        }
        assertThat(stats.relaysDropped()).as("held, not yet settled").isEqualTo(dropped);
        alice.pipeline().fireChannelRead(text).fireChannelReadComplete(); // 18,000 characters held: settled first
        assertThat(stats.relaysDropped()).as("the first three settled as skipped").isEqualTo(dropped + 3);
    }

    /** Makes {@code ch} a client that stops reading: nothing leaves its outbound buffer until the flag is cleared. */
    private static AtomicBoolean stopReading(EmbeddedChannel ch) {
        ch.config().setWriteBufferWaterMark(new WriteBufferWaterMark(64, 128));
        AtomicBoolean stuck = new AtomicBoolean(true);
        ch.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                if (!stuck.get()) {
                    ctx.flush();
                }
            }
        });
        return stuck;
    }

    @Test
    void aMemberWhoseChannelFailsIsClosedWithOneWarningAndTheOthersStillReceive() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel broken = client("127.0.0.1", 40002);
        EmbeddedChannel bob = client("127.0.0.1", 40003);
        received(alice);
        received(broken);
        received(bob);
        broken.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void write(ChannelHandlerContext ctx, Object msg, io.netty.channel.ChannelPromise promise) {
                io.netty.util.ReferenceCountUtil.release(msg);
                throw new IllegalStateException("a bug in a handler");
            }
        });
        try (LogCapture log = LogCapture.start()) {
            alice.writeInbound("hello");
            received(broken);
            assertThat(received(bob)).containsExactlyInAnyOrder("127.0.0.1 : hello", "* 127.0.0.1:40002 left");
            assertThat(broken.isOpen()).isFalse();
            assertThat(log.warnings()).hasSize(1);
            assertThat(log.warnings().get(0)).contains("unexpected error");
        }
        alice.writeInbound("still here");
        assertThat(received(bob)).containsExactly("127.0.0.1 : still here");
    }

    @Test
    void aMemberWhoseOutputTheRoomShutIsStillHeardWhileAnyOtherIoErrorCloses() {
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        EmbeddedChannel cutOff = client("127.0.0.1", 40002);
        received(alice);
        received(cutOff);
        // What its outbound buffer held, failed as the room shuts its output (StuckMembers).
        cutOff.pipeline().fireExceptionCaught(new io.netty.channel.socket.ChannelOutputShutdownException("shut"));
        assertThat(cutOff.isOpen()).as("not closed: what it sends is still read").isTrue();
        cutOff.writeInbound("still heard");
        assertThat(received(alice)).containsExactly("127.0.0.1 : still heard");
        assertThat(sink.texts()).contains("still heard");

        cutOff.pipeline().fireExceptionCaught(new java.io.IOException("Connection reset by peer"));
        assertThat(cutOff.isOpen()).isFalse();
    }

    @Test
    void aReceiveOnlyServerTreatsCommandsAsText() {
        EmbeddedChannel ch = new EmbeddedChannel(new TcpMessageHandler(sink, new byte[0], held, null));
        channels.add(ch);
        ch.writeInbound("/nick alice");
        assertThat(sink.texts()).containsExactly("/nick alice");
        assertThat((Object) ch.readOutbound()).isNull();
    }

    @Test
    void aJoinerIsToldWhoIsHereInOneLineAndThatHelpExists() {
        assertThat(ChatCommands.joinLine(List.of("127.0.0.1:40001"), "127.0.0.1:40001"))
                .isEqualTo("* you are the only one here; /help lists the commands");
        assertThat(ChatCommands.joinLine(List.of("127.0.0.1:40001", "alice@10.0.0.1:5"), "127.0.0.1:40001"))
                .isEqualTo("* 1 other here: alice@10.0.0.1:5; /help lists the commands");
        List<String> many = new ArrayList<>();
        for (int i = 0; i < 9; i++) {
            many.add("u" + i + "@127.0.0.1:" + (40000 + i));
        }
        assertThat(ChatCommands.joinLine(many, "u0@127.0.0.1:40000")).isEqualTo("* 8 others here: "
                + "u1@127.0.0.1:40001, u2@127.0.0.1:40002, u3@127.0.0.1:40003, u4@127.0.0.1:40004, u5@127.0.0.1:40005"
                + " and 3 more; /help lists the commands");

        // Over the handler: a third client hears of the first two, after its greeting.
        EmbeddedChannel alice = client("127.0.0.1", 40001);
        alice.writeInbound("/nick alice");
        client("127.0.0.1", 40002);
        EmbeddedChannel carol = new EmbeddedChannel(
                new TcpMessageHandler(sink, "Server connected\n".getBytes(UTF_8), held, room)) {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress("127.0.0.1", 40003);
            }
        };
        channels.add(carol);
        assertThat(received(carol)).containsExactly("Server connected",
                "* 2 others here: 127.0.0.1:40002, alice@127.0.0.1:40001; /help lists the commands");
    }
}
