package org.dualchat.netty.room;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.netty.stats.ServerStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Each member's outbound limit as the room grows and shrinks: the default client buffer, or its share of the budget. */
@Timeout(10)
class MemberBuffersTest {

    private static final int DEFAULT = RelayOptions.DEFAULT_CLIENT_BUFFER;

    private final List<EmbeddedChannel> channels = new ArrayList<>();

    @AfterEach
    void close() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private List<Member> join(LocalRoom room, int count) {
        List<Member> joined = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            EmbeddedChannel channel = new EmbeddedChannel();
            channel.config().setWriteBufferWaterMark(new WriteBufferWaterMark(DEFAULT / 2, DEFAULT));
            channels.add(channel);
            joined.add(room.join(channel));
        }
        return joined;
    }

    private static List<Integer> limits(List<Member> members) {
        List<Integer> limits = new ArrayList<>();
        for (Member member : members) {
            WriteBufferWaterMark mark = member.channel.config().getWriteBufferWaterMark();
            assertThat(mark.low()).isEqualTo(mark.high() / 2);
            limits.add(mark.high());
        }
        return limits;
    }

    @Test
    void aDefaultClientBufferShrinksToEachMembersShareAsTheRoomGrowsAndComesBackAsItEmpties() {
        LocalRoom room = new LocalRoom(new ServerStats(), 2 << 20, null, 0, RelayOptions.builder().build());
        List<Member> members = join(room, 4);
        // 4 members: half the 2 MiB budget is 256 KiB each, the whole default buffer.
        assertThat(limits(members)).containsOnly(DEFAULT);

        members.addAll(join(room, 8));
        // 12 members, counted as 16: 64 KiB each, the first ones too.
        assertThat(limits(members)).hasSize(12).containsOnly(64 * 1024);

        for (Member member : new ArrayList<>(members.subList(2, 12))) {
            room.leave(member, "gone");
            members.remove(member);
        }
        assertThat(limits(members)).containsOnly(DEFAULT);
    }

    @Test
    void membersGivenTheSameLimitShareOneWaterMark() {
        LocalRoom room = new LocalRoom(new ServerStats(), 2 << 20, null, 0, RelayOptions.builder().build());
        List<Member> members = join(room, 40);
        assertThat(limits(members)).containsOnly(16 * 1024);
        WriteBufferWaterMark first = members.get(0).channel.config().getWriteBufferWaterMark();
        for (Member member : members) {
            assertThat(member.channel.config().getWriteBufferWaterMark()).isSameAs(first);
        }
    }

    @Test
    void inACrowdedRoomNoBatchIsLargerThanOneMembersLimit() {
        LocalRoom room = new LocalRoom(new ServerStats(), 2 << 20, null, 0, RelayOptions.builder().build());
        List<Member> members = join(room, 4);
        assertThat(room.budget().batchBytes()).isEqualTo(Outbox.MAX_BATCH_BYTES);

        members.addAll(join(room, 60));
        // 64 members: half the 2 MiB budget is 16 KiB each, and a batch is sent on at 16 KiB rather than 64.
        assertThat(limits(members)).containsOnly(16 * 1024);
        assertThat(room.budget().batchBytes()).isEqualTo(16 * 1024);
        assertThat(linesBeforeFull(room.budget())).as("73-byte lines in one batch").isEqualTo(16 * 1024 / 73 + 1);

        for (Member member : new ArrayList<>(members.subList(2, 64))) {
            room.leave(member, "gone");
        }
        assertThat(room.budget().batchBytes()).isEqualTo(Outbox.MAX_BATCH_BYTES);
        assertThat(linesBeforeFull(room.budget())).isEqualTo(Outbox.MAX_BATCH_BYTES / 73 + 1);
    }

    /** How many lines of 73 bytes an event loop's outbox takes before its batch is full. */
    private static int linesBeforeFull(RelayBudget budget) {
        Outbox outbox = Outbox.reused(budget);
        int lines = 0;
        while (!outbox.isFull()) {
            outbox.add(null, "127.0.0.1", "x".repeat(60), null, true); // "127.0.0.1 : " + 60 + "\n"
            lines++;
        }
        outbox.take().release();
        return lines;
    }

    @Test
    void aCrowdedRoomWithASmallBudgetKeepsTheFloor() {
        LocalRoom room = new LocalRoom(new ServerStats(), RelayOptions.MIN_RELAY_BUDGET, null, 0,
                RelayOptions.builder().build());
        List<Member> members = join(room, 40);
        assertThat(limits(members)).containsOnly(RelayOptions.MIN_SHARED_CLIENT_BUFFER);
    }

    @Test
    void aClientBufferTheOperatorGaveIsKeptWhateverTheRoomsSize() {
        RelayOptions given = RelayOptions.builder().clientBuffer(DEFAULT).build();
        LocalRoom room = new LocalRoom(new ServerStats(), RelayOptions.MIN_RELAY_BUDGET, null, 0, given);
        List<Member> members = join(room, 40);
        assertThat(limits(members)).containsOnly(DEFAULT);
        assertThat(room.budget().batchBytes()).isEqualTo(Outbox.MAX_BATCH_BYTES);
        assertThat(given.mutate().build().clientBufferSet()).isTrue();
        assertThat(RelayOptions.builder().build().mutate().build().clientBufferSet()).isFalse();
    }
}
