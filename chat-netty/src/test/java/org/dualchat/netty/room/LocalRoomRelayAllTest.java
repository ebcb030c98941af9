package org.dualchat.netty.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.dualchat.netty.stats.ServerStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@link LocalRoom#relayAll}: a read's lines said to nobody are taken at once, kept for the history as one batch;
 * as soon as someone else is there, each goes the usual way.
 */
@Timeout(10)
class LocalRoomRelayAllTest {

    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final LocalRoom room = new LocalRoom(new ServerStats(), 16 << 20, null, 3);

    @AfterEach
    void finishAll() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private Member join() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channels.add(channel);
        return room.join(channel);
    }

    private static List<ChatMessage> read(int count) {
        List<ChatMessage> lines = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            lines.add(new ChatMessage(Protocol.TCP, "127.0.0.1", 40001, "m" + i));
        }
        return lines;
    }

    @Test
    void aReadSaidToNobodyIsTakenAtOnceAndItsLastLinesAreHistoryAsOneBatch() {
        Member alice = join();
        List<ChatMessage> lines = read(6);

        assertThat(room.relayAll(lines, 5, alice)).as("all five taken").isEqualTo(5);
        assertThat(room.budget().peak()).as("nothing encoded").isZero();

        Member bob = join();
        List<String> history = bob.takeHistory();
        assertThat(history).hasSize(5);
        assertThat(history.get(0)).isEqualTo("* last 3 messages:");
        assertThat(history.subList(1, 4)).extracting(line -> line.replaceFirst("^\\[\\d\\d:\\d\\d:\\d\\d\\] ", ""))
                .as("the last three of the five, in order; not the sixth, which was not given")
                .containsExactly("127.0.0.1 : m2", "127.0.0.1 : m3", "127.0.0.1 : m4");
        assertThat(bob.historyBatch).as("one batch of history for the read, not one per line").isEqualTo(1);
    }

    @Test
    void withSomeoneElseThereEachLineIsLeftToBeRelayed() {
        Member alice = join();
        join();
        long encoded = room.budget().peak(); // the join notice

        assertThat(room.relayAll(read(4), 4, alice)).isZero();
        assertThat(room.budget().peak()).as("relayAll itself relays nothing").isEqualTo(encoded);
        assertThat(join().historyBatch).as("nothing kept").isZero();
    }

    @Test
    void withoutHistoryALoneSendersReadIsTakenAndNothingKept() {
        LocalRoom noHistory = new LocalRoom(new ServerStats(), 16 << 20, null, 0);
        EmbeddedChannel channel = new EmbeddedChannel();
        channels.add(channel);
        Member alice = noHistory.join(channel);

        assertThat(noHistory.relayAll(read(3), 3, alice)).isEqualTo(3);
        assertThat(noHistory.budget().peak()).isZero();
    }
}
