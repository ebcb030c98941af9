package org.dualchat.netty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.netty.common.HeldMessages;
import org.dualchat.netty.room.LocalRoom;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.testing.ControlledSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@code /msg} under a flood: batched per loop and round, and bounded by the room's relay budget. */
@Timeout(10)
class PrivateLinesTest {

    private static final int BUDGET = 4096;
    private static final String TEXT = "x".repeat(60);

    private final LocalRoom room = new LocalRoom(new ServerStats(), BUDGET, null);
    private final ControlledSink sink = ControlledSink.unbounded();
    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void finishAll() {
        for (EmbeddedChannel ch : channels) {
            ch.finishAndReleaseAll();
        }
    }

    private EmbeddedChannel client(int port, String nick) {
        EmbeddedChannel ch = new EmbeddedChannel(new TcpMessageHandler(sink, new byte[0], new HeldMessages(), room)) {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress("127.0.0.1", port);
            }
        };
        channels.add(ch);
        ch.writeInbound("/nick " + nick);
        return ch;
    }

    private List<String> drain(EmbeddedChannel ch) {
        for (EmbeddedChannel each : channels) {
            each.runPendingTasks();
        }
        List<String> lines = new ArrayList<>();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            for (String line : buf.toString(UTF_8).split("\n")) {
                lines.add(line);
            }
            buf.release();
        }
        return lines;
    }

    private static Object[] msgs(String to, int n) {
        Object[] lines = new Object[n];
        for (int i = 0; i < n; i++) {
            lines[i] = "/msg " + to + " " + i + " " + TEXT;
        }
        return lines;
    }

    @Test
    void aFloodOfPrivateLinesInOneReadTravelsAsOneTaskInOrder() {
        EmbeddedChannel alice = client(40001, "alice");
        EmbeddedChannel bob = client(40002, "bob");
        drain(alice);
        drain(bob);
        long before = room.privateDeliveries();

        alice.writeInbound(msgs("bob", 40));
        List<String> got = drain(bob);

        assertThat(got).hasSize(40);
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i)).isEqualTo("[private] alice@127.0.0.1 : " + i + " " + TEXT);
        }
        assertThat(room.privateDeliveries() - before).as("one task for bob's loop, not one per line").isEqualTo(1);
        assertThat(drain(alice)).hasSize(40).allMatch(line -> line.startsWith("* to bob@127.0.0.1:40002: "));
    }

    @Test
    void privateLinesToAMemberThatDoesNotReadWaitInTheBudgetAndTheRestAreRefused() {
        EmbeddedChannel alice = client(40001, "alice");
        EmbeddedChannel bob = client(40002, "bob");
        drain(alice);
        drain(bob);

        // Bob reads nothing: what is written to him stays in his outbound queue, charged to the budget.
        alice.writeInbound(msgs("bob", 500));
        for (EmbeddedChannel each : channels) {
            each.runPendingTasks();
        }
        List<String> replies = drain(alice);
        long sent = replies.stream().filter(line -> line.startsWith("* to bob")).count();
        long refused = replies.stream().filter(line -> line.startsWith("* the room is busy: not sent to bob")).count();
        assertThat(sent + refused).isEqualTo(500);
        assertThat(refused).as("refused once the budget is spent").isPositive();
        assertThat(room.budget().peak()).as("what waits stays within the budget, give or take a line")
                .isLessThanOrEqualTo(BUDGET + 100);

        // Once bob reads, the budget is free again and alice's next line goes through.
        assertThat(drain(bob)).hasSize((int) sent);
        assertThat(room.budget().used()).isZero();
        alice.writeInbound("/msg bob again");
        assertThat(drain(bob)).containsExactly("[private] alice@127.0.0.1 : again");
    }
}
