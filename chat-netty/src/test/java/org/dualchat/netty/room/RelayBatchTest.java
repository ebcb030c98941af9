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

/** What each receiver gets of a batch: every line but its own, whether the batch has few senders or many. */
@Timeout(10)
class RelayBatchTest {

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
    void receiversReadTheirOwnViewsOfOneBatchAndTheViewsAreReused() throws Exception {
        Member alice = member();
        Member bob = member();
        Member carol = member();
        RelayBudget small = new RelayBudget(6);
        Outbox outbox = new Outbox(small);
        outbox.add(null, null, "one", alice, true);
        outbox.add(null, null, "two", alice, true);
        RelayBatch batch = outbox.take();
        ByteBuf forBob = batch.partFor(bob);
        ByteBuf forCarol = batch.partFor(carol);
        assertThat(forBob).isNotSameAs(forCarol);
        assertThat(forBob.isReadOnly()).isTrue();
        forBob.skipBytes(4);
        assertThat(forBob.toString(UTF_8)).isEqualTo("two\n");
        assertThat(forCarol.toString(UTF_8)).as("its own reader index").isEqualTo("one\ntwo\n");
        assertThat(forCarol.readByte()).isEqualTo((byte) 'o');
        batch.release();
        forBob.release();
        assertThat(small.isOpen()).as("carol's part still holds the batch").isFalse();
        forCarol.release();
        assertThat(small.isOpen()).isTrue();

        // Views are kept for reuse on event loops (Netty's threads), where receivers take and release them.
        io.netty.util.concurrent.DefaultEventExecutor loop = new io.netty.util.concurrent.DefaultEventExecutor();
        try {
            ByteBuf[] firstAndAgain = loop.submit(() -> {
                outbox.add(null, null, "three", alice, true);
                RelayBatch next = outbox.take();
                ByteBuf first = next.partFor(bob);
                first.release();
                ByteBuf again = next.partFor(carol);
                String text = again.toString(UTF_8);
                int reader = again.readerIndex();
                again.release();
                next.release();
                return text.equals("three\n") && reader == 0 ? new ByteBuf[] {first, again} : null;
            }).get();
            assertThat(firstAndAgain).as("the view read the new batch from its start").isNotNull();
            assertThat(firstAndAgain[1]).as("a released view is taken again").isSameAs(firstAndAgain[0]);
        } finally {
            loop.shutdownGracefully(0, 0, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertThat(small.isOpen()).isTrue();
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
