package org.dualchat.netty.room;

import java.util.concurrent.atomic.AtomicInteger;
import org.dualchat.core.ChatMessage;
import org.dualchat.netty.stats.ServerStats;

/**
 * Which of the room's members can take relays now, against those blocked (over their buffer with their socket
 * full: {@link Member#hasRoom}), and the relays skipped because nobody could. While no member but a line's
 * sender can take it, the line would be dropped for each receiver; its loop then holds it unencoded to the end
 * of its round ({@link LoopShare#defer}) and settles it here: counted as dropped for every receiver and kept for
 * the history, if that still holds. Each member counts what was skipped while it was blocked, less its own
 * lines, as missed once it unblocks. Thread-safe.
 */
final class BlockedMembers {

    // Members that are not blocked: one count, so that a check never mixes two moments.
    private final AtomicInteger takers = new AtomicInteger();
    private final AtomicInteger members;
    private final History history;
    private final ServerStats stats;
    // Relays skipped so far; settled and read under this object's lock, so that a member unblocking while lines
    // are settled either gets them or counts them as missed.
    private long skipped;

    /**
     * @param members the room's member count
     * @param history the room's history, or {@code null} for none
     */
    BlockedMembers(AtomicInteger members, History history, ServerStats stats) {
        this.members = members;
        this.history = history;
        this.stats = stats;
    }

    /** Counts a joiner as one that can take relays: before it is in the room, and before its history is taken. */
    void joined() {
        takers.incrementAndGet();
    }

    /** {@code member} leaves; on its loop. */
    void left(Member member) {
        if (member.blocked) {
            member.blocked = false;
        } else {
            takers.decrementAndGet();
        }
    }

    /** A member is now blocked; the relays skipped so far, to count from. */
    synchronized long blocked() {
        takers.decrementAndGet();
        return skipped;
    }

    /** A member can take relays again; the relays skipped so far. */
    synchronized long unblocked() {
        takers.incrementAndGet();
        return skipped;
    }

    /**
     * Whether no member but {@code sender} can take a line now, so that it would be dropped for each receiver; on
     * {@code sender}'s loop ({@code null}: a line from no member, or from several; a sender that has left counts
     * as none).
     */
    boolean nobodyElseCanTake(Member sender) {
        int others = takers.get();
        if (sender != null && !sender.left && !sender.blocked) {
            others--;
        }
        return others <= 0;
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
        boolean nobody = history == null ? settle(only, count)
                : history.appendIf(() -> settle(only, count), messages, count);
        if (!nobody) {
            return false;
        }
        long drops = 0;
        int receivers = members.get();
        for (int i = 0; i < count; i++) {
            Member from = senders[i];
            if (from != null && !from.left) {
                from.ownSkipped++;
                drops += receivers - 1;
            } else {
                drops += receivers;
            }
        }
        stats.relaysDropped(drops);
        return true;
    }

    private synchronized boolean settle(Member sender, int count) {
        if (!nobodyElseCanTake(sender)) {
            return false;
        }
        skipped += count;
        return true;
    }
}
