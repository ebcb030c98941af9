package org.dualchat.netty.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.dualchat.core.ChatMessage;

/**
 * One burst of lines from one event loop (or one console line), encoded once into one buffer and shared
 * by every receiver: the whole buffer for a receiver that sent none of it, slices around its own lines
 * for one that did. Its bytes stay charged to the {@link RelayBudget} until the last reference is
 * released, that is, until every receiver has written it out or dropped it. Immutable once built.
 */
final class RelayBatch {

    private final ByteBuf lines;
    private final int[] ends;
    private final Member[] senders;
    private final boolean[] counted;
    private final int count;
    private final int countedLines;
    // The distinct senders in the batch: looked up for every receiver. Most batches have one or a few, so an
    // array (no allocation beyond it); a set once there are more than SMALL of them.
    private static final int SMALL = 8;
    private final Member[] fewSenders;
    private final int fewCount;
    private final Set<Member> manySenders;
    /** The messages in it that enter the room's history, or {@code null}; set before it is sent. */
    List<ChatMessage> remembered;
    /** Its number in the room's history (0 without history); set before it is sent to any loop. */
    long historyBatch;

    /**
     * @param content the encoded lines, owned by the batch from now on
     * @param ends where each line ends in {@code content}
     * @param senders who sent each line ({@code null}: nobody in the room)
     * @param counted which lines are relays (counted in the stats) rather than notices
     */
    RelayBatch(ByteBuf content, RelayBudget budget, long charged, int[] ends, Member[] senders, boolean[] counted,
            int count) {
        this.lines = new Budgeted(content, budget, charged);
        this.ends = ends;
        this.senders = senders;
        this.counted = counted;
        this.count = count;
        int relays = 0;
        Member[] few = new Member[Math.min(count, SMALL)];
        int distinct = 0;
        Set<Member> many = null;
        for (int i = 0; i < count; i++) {
            if (counted[i]) {
                relays++;
            }
            Member sender = senders[i];
            if (sender == null || many != null && !many.add(sender) || many == null && indexOf(few, distinct, sender) >= 0) {
                continue;
            }
            if (many == null && distinct < few.length) {
                few[distinct++] = sender;
            } else if (many == null) {
                many = new HashSet<>(Arrays.asList(few));
                many.add(sender);
            }
        }
        this.countedLines = relays;
        this.fewSenders = few;
        this.fewCount = distinct;
        this.manySenders = many;
    }

    private static int indexOf(Member[] members, int n, Member member) {
        for (int i = 0; i < n; i++) {
            if (members[i] == member) {
                return i;
            }
        }
        return -1;
    }

    /** Whether {@code member} sent any line of this batch. */
    private boolean sentBy(Member member) {
        return manySenders != null ? manySenders.contains(member) : indexOf(fewSenders, fewCount, member) >= 0;
    }

    int lineCount() {
        return count;
    }

    /** How many of the relays (not notices) in this batch {@code receiver} is sent. */
    int relaysFor(Member receiver) {
        if (!sentBy(receiver)) {
            return countedLines;
        }
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (counted[i] && senders[i] != receiver) {
                n++;
            }
        }
        return n;
    }

    /** How many lines {@code receiver} is sent. */
    int linesFor(Member receiver) {
        if (!sentBy(receiver)) {
            return count;
        }
        int n = 0;
        for (int i = 0; i < count; i++) {
            if (senders[i] != receiver) {
                n++;
            }
        }
        return n;
    }

    /**
     * What {@code receiver} is sent: every line but its own, as one buffer sharing this batch's memory
     * (retained, the caller's to write or release); {@code null} if nothing is left for it.
     */
    ByteBuf partFor(Member receiver) {
        if (!sentBy(receiver)) {
            return lines.retainedDuplicate();
        }
        CompositeByteBuf part = null;
        int runStart = -1;
        int start = 0;
        for (int i = 0; i <= count; i++) {
            boolean keep = i < count && senders[i] != receiver;
            if (keep && runStart < 0) {
                runStart = start;
            } else if (!keep && runStart >= 0) {
                if (part == null) {
                    part = lines.alloc().compositeDirectBuffer(Integer.MAX_VALUE);
                }
                part.addComponent(true, lines.retainedSlice(runStart, start - runStart));
                runStart = -1;
            }
            if (i < count) {
                start = ends[i];
            }
        }
        return part;
    }

    /** Line {@code i} with its newline, retained: a private line for one member. */
    ByteBuf line(int i) {
        int start = i == 0 ? 0 : ends[i - 1];
        return lines.retainedSlice(start, ends[i] - start);
    }

    /** One more reference, for one more event loop. */
    RelayBatch retain() {
        lines.retain();
        return this;
    }

    /** The first line with its newline, retained: one datagram for UDP relays. */
    ByteBuf datagram() {
        return lines.retainedSlice(0, ends[0]);
    }

    void release() {
        lines.release();
    }

    /** The batch's buffer: credits the budget when the last reference to it goes. */
    private static final class Budgeted extends CompositeByteBuf {

        private final RelayBudget budget;
        private final long charged;

        Budgeted(ByteBuf content, RelayBudget budget, long charged) {
            super(content.alloc(), content.isDirect(), 1, content);
            this.budget = budget;
            this.charged = charged;
        }

        @Override
        protected void deallocate() {
            super.deallocate();
            budget.release(charged);
        }
    }
}
