package org.dualchat.netty.room;

import io.netty.channel.WriteBufferWaterMark;

/**
 * How much of the room's relays one member may hold unwritten, beyond what its socket takes: the client
 * buffer, or in a room too large for every member to fill that within the relay budget, an equal share of
 * half the budget, never under {@link RelayOptions#MIN_SHARED_CLIENT_BUFFER}. Members that read nothing then
 * miss relays (counted, and told once they read) instead of spending the budget that the whole room's
 * senders wait on. The limit is
 * each member channel's write buffer water mark; it is set for the room's size rounded up to a power of
 * two, so the members are visited only when that doubles or halves. Thread-safe.
 */
final class MemberBuffers {

    private final int clientBuffer;
    private final RelayBudget budget;
    private final boolean shared;
    private int appliedLevel;
    // The water mark of the last limit applied, shared by every member given that limit: in a room of 10,000
    // each had one of its own, 24 bytes a member. Immutable, so a race here at worst makes one more.
    private WriteBufferWaterMark mark = new WriteBufferWaterMark(0, 0);

    /**
     * @param clientBuffer the most one member may hold (its channel's high water mark at most)
     * @param budget the room's relay budget, whose batches this bounds too ({@link RelayBudget#batchBytes})
     * @param shared whether the limit shrinks to a share of the budget; {@code false}: a client buffer given
     *     by the operator, kept whatever the room's size
     */
    MemberBuffers(int clientBuffer, RelayBudget budget, boolean shared) {
        this.clientBuffer = clientBuffer;
        this.budget = budget;
        this.shared = shared;
    }

    /** The limit for each member of a room of {@code size}. */
    private int limit(int size) {
        long share = budget.limit() / 2 / Math.max(1, size);
        int floor = Math.min(RelayOptions.MIN_SHARED_CLIENT_BUFFER, clientBuffer);
        return (int) Math.max(floor, Math.min(clientBuffer, share));
    }

    /** Sets {@code member}'s limit as it joins, and every member's if the room's size class changed. */
    void sized(Member member, int size, Iterable<Member> everyone) {
        if (!shared) {
            return;
        }
        int level = level(size);
        if (member != null) {
            apply(member, limit(1 << level));
        }
        resize(level, everyone);
    }

    private synchronized void resize(int level, Iterable<Member> everyone) {
        if (level == appliedLevel) {
            return;
        }
        appliedLevel = level;
        int limit = limit(1 << level);
        // No batch larger than one member's limit. A member that stops reading holds what it was sent up to its
        // limit and the batch that took it past it; members that stop at different points of the stream hold
        // different batches, each whole, and with batches larger than the limit those could outgrow the budget
        // between them, pausing every sender until the room cut them off (StuckMembers).
        budget.batchBytes(Math.min(Outbox.MAX_BATCH_BYTES, limit));
        for (Member member : everyone) {
            apply(member, limit);
        }
    }

    private static int level(int size) {
        return size <= 1 ? 0 : 32 - Integer.numberOfLeadingZeros(size - 1);
    }

    private void apply(Member member, int limit) {
        WriteBufferWaterMark current = member.channel.config().getWriteBufferWaterMark();
        if (current.high() != limit) {
            member.channel.config().setWriteBufferWaterMark(markFor(limit));
        }
    }

    /** The water mark for {@code limit}: the one members were last given, if it is that. */
    private WriteBufferWaterMark markFor(int limit) {
        WriteBufferWaterMark last = mark;
        if (last.high() != limit) {
            last = new WriteBufferWaterMark(limit / 2, limit);
            mark = last;
        }
        return last;
    }
}
