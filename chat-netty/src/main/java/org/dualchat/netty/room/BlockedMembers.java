package org.dualchat.netty.room;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import org.dualchat.core.ChatMessage;
import org.dualchat.netty.stats.ServerStats;

/**
 * The room's members that are blocked (over their buffer with their socket full: {@link Member#hasRoom}), and
 * the relays skipped because of them. While every member but a line's sender is blocked, the line would be
 * dropped for each receiver; its loop then holds it unencoded to the end of its round ({@link LoopShare#defer})
 * and settles it here: counted as dropped for every receiver and kept for the history, if that still holds.
 * Each member counts what was skipped while it was blocked, less its own lines, as missed once it unblocks.
 * Thread-safe.
 */
final class BlockedMembers {

    private final AtomicInteger blocked = new AtomicInteger();
    private final LongAdder skipped = new LongAdder();
    private final AtomicInteger members;
    private final History history;
    private final ServerStats stats;

    /**
     * @param members the room's member count
     * @param history the room's history, or {@code null} for none
     */
    BlockedMembers(AtomicInteger members, History history, ServerStats stats) {
        this.members = members;
        this.history = history;
        this.stats = stats;
    }

    /** A member became blocked ({@code 1}), or unblocked or left while blocked ({@code -1}). */
    void change(int change) {
        blocked.addAndGet(change);
    }

    /** Relays skipped so far because nobody but their sender could take them. */
    long skipped() {
        return skipped.sum();
    }

    /**
     * Whether every member but {@code sender} is blocked, so that a line from it would be dropped for each
     * receiver; on {@code sender}'s loop ({@code null}: a line from no member, or from several). A member that
     * joins or unblocks is counted before it could miss a line for this.
     */
    boolean nobodyElseCanTake(Member sender) {
        int count = blocked.get();
        if (count == 0) {
            return false;
        }
        if (sender != null && sender.blocked) {
            count--;
        }
        return count > 0 && count >= members.get() - (sender != null ? 1 : 0);
    }

    /**
     * Settles relays a loop deferred, unencoded, because no member but their sender could take them (on that
     * loop, at the end of its round): if that still holds, they are dropped for every receiver (counted, and
     * each member counts them as missed once it unblocks) and kept for the history, checked under the
     * history's lock so that a joiner either has them in its history or gets them live.
     *
     * @return {@code false} if someone could take them now: they are to be encoded and sent as usual
     */
    boolean skip(ChatMessage[] messages, Member[] senders, int count) {
        Member sender = senders[0];
        for (int i = 1; i < count && sender != null; i++) {
            if (senders[i] != sender) {
                sender = null;
            }
        }
        Member only = sender;
        boolean nobody = history == null ? nobodyElseCanTake(only)
                : history.appendIf(() -> nobodyElseCanTake(only), messages, count);
        if (!nobody) {
            return false;
        }
        long drops = 0;
        int receivers = members.get();
        for (int i = 0; i < count; i++) {
            if (senders[i] != null) {
                senders[i].ownSkipped++;
                drops += receivers - 1;
            } else {
                drops += receivers;
            }
        }
        skipped.add(count);
        stats.relaysDropped(drops);
        return true;
    }
}
