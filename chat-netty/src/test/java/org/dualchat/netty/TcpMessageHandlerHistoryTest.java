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
import org.dualchat.core.ChatMessage;
import org.dualchat.netty.common.HeldMessages;
import org.dualchat.netty.room.ChatCommands;
import org.dualchat.netty.room.LocalRoom;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.testing.ControlledSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * History on join in a {@link LocalRoom}, an embedded channel per client: a joiner gets the last messages
 * after its join line and before the live ones, each once, whether the room's batch was sent before or after
 * it joined.
 */
@Timeout(10)
class TcpMessageHandlerHistoryTest {

    private static final String TIME = "\\[\\d\\d:\\d\\d:\\d\\d\\] ";

    private final ServerStats stats = new ServerStats();
    private final ControlledSink sink = ControlledSink.unbounded();
    private final HeldMessages held = new HeldMessages();
    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private LocalRoom room = new LocalRoom(stats, 16 << 20, null, 3);

    @AfterEach
    void finishAll() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel client(int port) {
        EmbeddedChannel ch = new EmbeddedChannel(new TcpMessageHandler(sink, new byte[0], held, room)) {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress("127.0.0.1", port);
            }
        };
        channels.add(ch);
        return ch;
    }

    /** Every line written to {@code ch} so far, once every client's pending tasks (its loop's batch) have run. */
    private List<String> received(EmbeddedChannel ch) {
        for (EmbeddedChannel each : channels) {
            each.runPendingTasks();
        }
        List<String> lines = new ArrayList<>();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            lines.addAll(List.of(buf.toString(UTF_8).split("\n")));
            buf.release();
        }
        return lines;
    }

    /**
     * Reads {@code line} on {@code ch} to the end of the read (the handler hands it to the room there), without
     * running the loop's tasks: an embedded channel whose read completes with auto-read on (or turns it back
     * on) runs them at once, so it stays off.
     */
    private static void readWithoutRunningTasks(EmbeddedChannel ch, String line) {
        ch.config().setAutoRead(false);
        ch.pipeline().fireChannelRead(line).fireChannelReadComplete();
    }

    /** {@code lines} without join and leave notices. */
    private static List<String> withoutPresence(List<String> lines) {
        return lines.stream().filter(l -> !(l.endsWith(" joined") || l.contains(" left"))).toList();
    }

    @Test
    void aJoinerIsShownTheLastMessagesAfterItsJoinLineThenTheLiveOnes() {
        EmbeddedChannel alice = client(40001);
        EmbeddedChannel bob = client(40002);
        alice.writeInbound("one", "two", "three", "four");
        received(bob);

        EmbeddedChannel carol = client(40003);
        List<String> joined = received(carol);
        assertThat(joined).hasSize(6);
        assertThat(joined.get(0)).endsWith(ChatCommands.JOIN_LINE_END);
        assertThat(joined.get(1)).isEqualTo("* last 3 messages:");
        assertThat(joined.get(2)).matches(TIME + "127\\.0\\.0\\.1 : two");
        assertThat(joined.get(3)).matches(TIME + "127\\.0\\.0\\.1 : three");
        assertThat(joined.get(4)).matches(TIME + "127\\.0\\.0\\.1 : four");
        assertThat(joined.get(5)).isEqualTo("* end of history");

        alice.writeInbound("five");
        assertThat(withoutPresence(received(carol))).containsExactly("127.0.0.1 : five");
        assertThat(withoutPresence(received(bob))).containsExactly("127.0.0.1 : five");
    }

    @Test
    void aBatchNotYetSentAsTheClientJoinsReachesItLiveAndNotAsHistory() {
        EmbeddedChannel alice = client(40001);
        client(40002);
        alice.writeInbound("before");
        received(alice);
        // Read and handed to the room at the end of the read, but not yet sent on: alice's loop sends its batch
        // at the end of its round, after carol joins.
        readWithoutRunningTasks(alice, "pending");
        EmbeddedChannel carol = client(40003);
        List<String> lines = received(carol);

        assertThat(lines).hasSize(5);
        assertThat(lines.get(1)).isEqualTo("* last message:");
        assertThat(lines.get(2)).matches(TIME + "127\\.0\\.0\\.1 : before");
        assertThat(lines.get(3)).isEqualTo("* end of history");
        assertThat(lines.get(4)).as("live, once").isEqualTo("127.0.0.1 : pending");
    }

    @Test
    void whatWasSaidToNobodyIsHistoryForTheNextWithoutAnyRelayWork() {
        EmbeddedChannel alice = client(40001);
        alice.writeInbound("anyone?");
        received(alice);
        assertThat(room.budget().peak()).as("relay bytes encoded for nobody").isZero();
        // The console and an action reach alice: relayed, and kept.
        room.relay(ChatMessage.fromConsole("the operator"), null, null);
        assertThat(received(alice)).containsExactly("server : the operator");
        alice.writeInbound("/me waits");
        assertThat(received(alice)).containsExactly("* 127.0.0.1 waits");

        EmbeddedChannel bob = client(40002);
        List<String> lines = received(bob);
        assertThat(lines).hasSize(6);
        assertThat(lines.get(2)).matches(TIME + "127\\.0\\.0\\.1 : anyone\\?");
        assertThat(lines.get(3)).matches(TIME + "server : the operator");
        assertThat(lines.get(4)).matches(TIME + "\\* 127\\.0\\.0\\.1 waits");
    }

    @Test
    void aLineSaidAloneAfterItsSendersPendingLinesKeepsItsPlace() {
        EmbeddedChannel alice = client(40001);
        EmbeddedChannel bob = client(40002);
        received(alice);
        readWithoutRunningTasks(alice, "first");
        // Bob leaves before alice's batch is sent; her next line is for nobody, and must not overtake "first".
        bob.close();
        readWithoutRunningTasks(alice, "second");
        received(alice);

        EmbeddedChannel carol = client(40003);
        List<String> lines = received(carol);
        assertThat(lines).hasSize(5);
        assertThat(lines.get(2)).matches(TIME + "127\\.0\\.0\\.1 : first");
        assertThat(lines.get(3)).matches(TIME + "127\\.0\\.0\\.1 : second");
    }

    @Test
    void aLineSaidAloneWhileABatchWaitsReachesWhoJoinsBeforeTheBatchIsSent() {
        EmbeddedChannel alice = client(40001);
        EmbeddedChannel bob = client(40002);
        received(alice);
        readWithoutRunningTasks(alice, "first");
        bob.pipeline().fireChannelInactive(); // bob leaves, without running the loops' tasks as close() does
        readWithoutRunningTasks(alice, "second");
        // Carol joins before alice's loop sends its batch: both lines reach her live, in order.
        EmbeddedChannel carol = client(40003);
        assertThat(withoutPresence(received(carol)).subList(1, 3)).containsExactly("127.0.0.1 : first", "127.0.0.1 : second");
    }

    @Test
    void linesNobodyCouldTakeAreHistoryAndOneHeldAsSomeoneJoinsReachesItLive() {
        EmbeddedChannel alice = client(40001);
        EmbeddedChannel bob = client(40002);
        received(alice);
        // Bob stops reading: nothing leaves his outbound buffer, and he is over it after a few lines.
        bob.config().setWriteBufferWaterMark(new WriteBufferWaterMark(64, 128));
        bob.pipeline().addFirst(new ChannelOutboundHandlerAdapter() {
            @Override
            public void flush(ChannelHandlerContext ctx) {
                // never
            }
        });
        for (int i = 0; stats.relaysDropped() == 0 && i < 100; i++) {
            alice.writeInbound("filler " + i);
            received(alice);
        }
        long deliveries = room.deliveries();
        alice.writeInbound("one", "two", "three");
        received(alice);
        assertThat(room.deliveries()).as("nothing sent: only bob could have taken them").isEqualTo(deliveries);
        // Held by alice's loop, nobody to take it, when carol joins: it reaches her live, not as history.
        readWithoutRunningTasks(alice, "held");
        EmbeddedChannel carol = client(40003);
        List<String> lines = received(carol);

        assertThat(lines).hasSize(7);
        assertThat(lines.get(1)).isEqualTo("* last 3 messages:");
        assertThat(lines.get(2)).matches(TIME + "127\\.0\\.0\\.1 : one");
        assertThat(lines.get(4)).matches(TIME + "127\\.0\\.0\\.1 : three");
        assertThat(lines.get(6)).as("live, once").isEqualTo("127.0.0.1 : held");
    }

    @Test
    void noHistoryWithHistoryZero() {
        room = new LocalRoom(stats, 16 << 20, null, 0);
        EmbeddedChannel alice = client(40001);
        client(40002);
        alice.writeInbound("hello");
        received(alice);

        EmbeddedChannel carol = client(40003);
        List<String> lines = received(carol);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).endsWith(ChatCommands.JOIN_LINE_END);
    }
}
