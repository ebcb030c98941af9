package org.dualchat.netty.room;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.ResourceLeakDetector;
import org.dualchat.netty.testing.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link RelayBatch}: what each receiver of one batch is sent and counted, and the budget it holds. */
@Timeout(10)
class RelayBatchTest {

    private final RelayBudget budget = new RelayBudget(1 << 20);
    private final Member alice = new Member(new EmbeddedChannel());
    private final Member bob = new Member(new EmbeddedChannel());
    private final Member carol = new Member(new EmbeddedChannel());

    /** a1 a2 (alice), a notice, b1 (bob), a3 (alice): alice's lines in two runs, as two reads of hers. */
    private RelayBatch batch() {
        Outbox outbox = new Outbox(budget);
        outbox.add(null, "10.0.0.1", "a1", alice, true);
        outbox.add(null, "10.0.0.1", "a2", alice, true);
        outbox.add(null, null, "* dave joined", null, false);
        outbox.add("bob", "10.0.0.2", "b1", bob, true);
        outbox.add(null, "10.0.0.1", "a3", alice, true);
        return outbox.take();
    }

    private static String text(ByteBuf buf) {
        try {
            return buf.toString(UTF_8);
        } finally {
            buf.release();
        }
    }

    @Test
    void aSenderIsSentAndCountedEverythingButItsOwnLines() {
        RelayBatch batch = batch();
        try {
            assertThat(batch.lineCount()).isEqualTo(5);
            assertThat(batch.linesFor(alice)).isEqualTo(2);
            assertThat(batch.relaysFor(alice)).as("the notice is a line, not a relay").isEqualTo(1);
            assertThat(text(batch.partFor(alice))).isEqualTo("* dave joined\nbob@10.0.0.2 : b1\n");
            assertThat(batch.linesFor(bob)).isEqualTo(4);
            assertThat(batch.relaysFor(bob)).isEqualTo(3);
            assertThat(text(batch.partFor(bob)))
                    .isEqualTo("10.0.0.1 : a1\n10.0.0.1 : a2\n* dave joined\n10.0.0.1 : a3\n");
        } finally {
            batch.release();
        }
    }

    @Test
    void aMemberWhoSentNoneOfItIsSentTheWholeBatch() {
        RelayBatch batch = batch();
        try {
            assertThat(batch.linesFor(carol)).isEqualTo(5);
            assertThat(batch.relaysFor(carol)).isEqualTo(4);
            assertThat(text(batch.partFor(carol))).isEqualTo(
                    "10.0.0.1 : a1\n10.0.0.1 : a2\n* dave joined\nbob@10.0.0.2 : b1\n10.0.0.1 : a3\n");
        } finally {
            batch.release();
        }
    }

    @Test
    void anEventLoopsOutboxGivesEachBatchItsOwnBytesThoughItEncodesIntoOneBufferForAll() {
        Outbox outbox = Outbox.reused(budget);
        outbox.add(null, "10.0.0.1", "first", alice, true);
        RelayBatch first = outbox.take();
        String longLine = "y".repeat(Outbox.MAX_BATCH_BYTES + 10_000);
        outbox.add(null, "10.0.0.1", "second", alice, true);
        outbox.add(null, "10.0.0.1", longLine, alice, true);
        assertThat(outbox.isFull()).isTrue();
        RelayBatch second = outbox.take();
        outbox.add(null, "10.0.0.1", "third", alice, true);
        RelayBatch third = outbox.take();
        try {
            assertThat(text(first.partFor(bob))).isEqualTo("10.0.0.1 : first\n");
            assertThat(text(second.partFor(bob))).isEqualTo("10.0.0.1 : second\n10.0.0.1 : " + longLine + "\n");
            assertThat(text(third.partFor(bob))).isEqualTo("10.0.0.1 : third\n");
            assertThat(first.linesFor(bob)).isEqualTo(1);
            assertThat(second.linesFor(bob)).isEqualTo(2);
        } finally {
            first.release();
            second.release();
            third.release();
        }
        assertThat(budget.used()).as("every batch let its bytes go").isZero();
    }

    @Test
    void linesAreMadeSafeForATerminalAsTheyAreEncodedAndEscapedTextIsLeftAsItIs() {
        Outbox outbox = Outbox.reused(budget);
        outbox.add(null, "10.0.0.1", "\u001b[2Jgone\rfake\ttab", alice, true);
        outbox.add(null, "10.0.0.1", "caf\u00e9 \u202eevil \u009b \u007f", alice, true);
        outbox.add(null, "10.0.0.1", "already \\x1b escaped", alice, true);
        RelayBatch batch = outbox.take();
        try {
            assertThat(text(batch.partFor(bob))).isEqualTo("10.0.0.1 : \\x1b[2Jgone\\x0dfake\ttab\n"
                    + "10.0.0.1 : caf\u00e9 \\u202eevil \\u009b \\x7f\n"
                    + "10.0.0.1 : already \\x1b escaped\n");
        } finally {
            batch.release();
        }
    }

    @Test
    void aSenderOfEveryLineIsSentNothing() {
        Outbox outbox = new Outbox(budget);
        outbox.add(null, "10.0.0.1", "a1", alice, true);
        outbox.add(null, "10.0.0.1", "a2", alice, true);
        RelayBatch batch = outbox.take();
        try {
            assertThat(batch.linesFor(alice)).isZero();
            assertThat(batch.relaysFor(alice)).isZero();
            assertThat(batch.partFor(alice)).isNull();
        } finally {
            batch.release();
        }
    }

    @Test
    void linesThatAreNotPlainAsciiOrAreLongAreEncodedAsUtf8Too() {
        Outbox outbox = new Outbox(budget);
        String longLine = "x".repeat(5000);
        outbox.add("zoë", "10.0.0.1", "héllo ✓ 𝄞", alice, true);
        outbox.add(null, "10.0.0.1", "plain", alice, true);
        outbox.add(null, "::1", longLine, alice, true);
        outbox.add("bob", "10.0.0.2", "b1", bob, true);
        RelayBatch batch = outbox.take();
        try {
            String expected = "zoë@10.0.0.1 : héllo ✓ 𝄞\n10.0.0.1 : plain\n::1 : " + longLine + "\nbob@10.0.0.2 : b1\n";
            assertThat(text(batch.partFor(carol))).isEqualTo(expected);
            assertThat(budget.used()).isEqualTo(expected.getBytes(UTF_8).length);
            assertThat(text(batch.partFor(bob))).isEqualTo(expected.substring(0, expected.indexOf("bob@")));
        } finally {
            batch.release();
        }
    }

    @Test
    void theBudgetIsHeldUntilTheLastReceiverHasLetGo() {
        RelayBatch batch = batch();
        long held = budget.used();
        assertThat(held).isEqualTo(("10.0.0.1 : a1\n10.0.0.1 : a2\n* dave joined\nbob@10.0.0.2 : b1\n"
                + "10.0.0.1 : a3\n").length());
        ByteBuf toBob = batch.partFor(bob);
        batch.retain().release();
        batch.release();
        assertThat(budget.used()).as("bob's part still holds the batch").isEqualTo(held);
        toBob.release();
        assertThat(budget.used()).isZero();
    }

    @Test
    void anEventLoopsOutboxLeftToTheCollectorWithItsRoomIsNoLeak() throws Exception {
        ResourceLeakDetector.Level level = ResourceLeakDetector.getLevel();
        ResourceLeakDetector.setLevel(ResourceLeakDetector.Level.PARANOID); // every buffer tracked
        try (LogCapture log = LogCapture.start()) {
            for (int i = 0; i < 20; i++) {
                Outbox outbox = Outbox.reused(budget); // as a room's loop makes one, and drops it with the room
                outbox.add(null, "10.0.0.1", "a1", alice, true);
                outbox.take().release();
            }
            for (int round = 0; round < 5; round++) {
                System.gc();
                Thread.sleep(50);
                for (int i = 0; i < 20; i++) {
                    Unpooled.directBuffer(16).release(); // a tracked allocation is when Netty reports leaks
                }
            }
            assertThat(log.messages(Level.ERROR)).noneMatch(message -> message.contains("LEAK"));
        } finally {
            ResourceLeakDetector.setLevel(level);
        }
    }
}
