package org.dualchat.netty.room;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** A batch from many senders at once: each receiver gets every line but its own, counted alike. */
@Timeout(10)
class RelayBatchSendersTest {

    private final List<EmbeddedChannel> channels = new ArrayList<>();
    private final RelayBudget budget = new RelayBudget(1 << 20);

    private Member member() {
        EmbeddedChannel channel = new EmbeddedChannel();
        channels.add(channel);
        return new Member(channel);
    }

    @AfterEach
    void close() {
        channels.forEach(EmbeddedChannel::finishAndReleaseAll);
    }

    private static String text(ByteBuf part) {
        try {
            return part.toString(UTF_8);
        } finally {
            part.release();
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 3, 8, 9, 20})
    void eachSenderGetsEveryLineButItsOwnAndOthersGetThemAll(int senders) {
        List<Member> members = new ArrayList<>();
        for (int i = 0; i < senders; i++) {
            members.add(member());
        }
        Member listener = member();
        Outbox outbox = new Outbox(budget);
        StringBuilder all = new StringBuilder();
        // Two rounds, so that each sender's lines are not next to each other; a notice in the middle.
        for (int round = 0; round < 2; round++) {
            for (int i = 0; i < senders; i++) {
                outbox.add(null, null, "m" + i + "." + round, members.get(i), true);
                all.append("m").append(i).append('.').append(round).append('\n');
            }
            if (round == 0) {
                outbox.add(null, null, "* notice", null, false);
                all.append("* notice\n");
            }
        }
        RelayBatch batch = outbox.take();

        assertThat(batch.linesFor(listener)).isEqualTo(2 * senders + 1);
        assertThat(batch.relaysFor(listener)).isEqualTo(2 * senders);
        assertThat(text(batch.partFor(listener))).isEqualTo(all.toString());
        for (int i = 0; i < senders; i++) {
            Member sender = members.get(i);
            assertThat(batch.linesFor(sender)).isEqualTo(2 * senders - 1);
            assertThat(batch.relaysFor(sender)).isEqualTo(2 * senders - 2);
            String expected = all.toString().replace("m" + i + ".0\n", "").replace("m" + i + ".1\n", "");
            if (expected.isEmpty()) {
                assertThat(batch.partFor(sender)).isNull();
            } else {
                assertThat(text(batch.partFor(sender))).isEqualTo(expected);
            }
        }
        batch.release();
        assertThat(budget.isOpen()).isTrue();
    }

    @Test
    void theBudgetIsCreditedWhenTheLastPartIsReleased() {
        Member alice = member();
        Member bob = member();
        RelayBudget small = new RelayBudget(10);
        Outbox outbox = new Outbox(small);
        outbox.add(null, null, "hello world", alice, true);
        RelayBatch batch = outbox.take();
        ByteBuf part = batch.partFor(bob);
        batch.release();
        assertThat(small.isOpen()).as("bob's part is not written yet").isFalse();
        assertThat(batch.partFor(alice)).isNull();
        part.release();
        assertThat(small.isOpen()).isTrue();
    }
}
