package org.dualchat.netty.room;

import java.util.Arrays;
import java.util.concurrent.RejectedExecutionException;

/**
 * The private lines ({@code /msg}) one event loop sends in one round to the members of one other loop:
 * encoded one after the other into one {@link Outbox}, so charged to the room's {@link RelayBudget} like
 * relays, and each with the one member it is for. Used on the sending loop only.
 */
final class Privates {

    private final Outbox lines;
    private Member[] targets = new Member[8];
    private int count;

    Privates(RelayBudget budget) {
        this.lines = new Outbox(budget);
    }

    boolean isEmpty() {
        return count == 0;
    }

    boolean isFull() {
        return lines.isFull();
    }

    void add(Member to, String text) {
        lines.add(null, null, text, null, false);
        if (count == targets.length) {
            targets = Arrays.copyOf(targets, count * 2);
        }
        targets[count++] = to;
    }

    /** The lines so far as one batch, which the caller must release, and whom each is for. */
    Batch take() {
        Batch batch = new Batch(lines.take(), Arrays.copyOf(targets, count));
        Arrays.fill(targets, 0, count, null);
        count = 0;
        return batch;
    }

    /** Private lines and their members: line {@code i} of {@code lines} is for {@code targets[i]} alone. */
    record Batch(RelayBatch lines, Member[] targets) {
    }

    /** Sends one private line from off the event loops (the console): a batch of one line, one task. */
    static boolean sendOne(RelayBudget budget, Member to, String text) {
        Privates single = new Privates(budget);
        single.add(to, text);
        Batch batch = single.take();
        try {
            to.share.loop.execute(() -> to.share.deliverPrivates(batch));
            return true;
        } catch (RejectedExecutionException shuttingDown) {
            batch.lines().release();
            return false;
        }
    }
}
