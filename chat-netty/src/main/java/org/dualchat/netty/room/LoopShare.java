package org.dualchat.netty.room;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.netty.common.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room's part on one event loop: the members whose channels live there, and the outbox that collects
 * what this loop relays in one round. Touched only on that loop, but for {@link #size}.
 */
final class LoopShare {

    private static final Logger logger = LoggerFactory.getLogger(LoopShare.class);

    final EventExecutor loop;
    final Outbox outbox;
    private final LocalRoom room;
    private final List<Member> members = new ArrayList<>();
    private volatile int size;
    private boolean dispatchQueued;

    LoopShare(EventExecutor loop, LocalRoom room, RelayBudget budget) {
        this.loop = loop;
        this.room = room;
        this.outbox = new Outbox(budget);
    }

    /** Members on this loop; readable from any thread, as a hint. */
    int size() {
        return size;
    }

    void add(Member member) {
        members.add(member);
        size = members.size();
    }

    void remove(Member member) {
        members.remove(member);
        size = members.size();
    }

    /**
     * Sends the outbox on at the end of this loop's round: the task runs after the reads already
     * underway, so everything they relay travels as one batch.
     */
    void dispatchLater() {
        if (outbox.isFull()) {
            dispatch();
        } else if (!dispatchQueued) {
            dispatchQueued = true;
            loop.execute(this::dispatch);
        }
    }

    private void dispatch() {
        dispatchQueued = false;
        if (!outbox.isEmpty()) {
            room.fanOut(outbox.take());
        }
    }

    /**
     * Writes what {@code batch} holds for each member here, one write and one flush per member, and
     * releases this loop's reference to it. A member over its own buffer misses the batch (counted).
     */
    void deliver(RelayBatch batch) {
        room.deliveries.increment();
        try {
            for (int i = 0; i < members.size(); i++) {
                Member member = members.get(i);
                if (!member.channel.isActive()) {
                    continue;
                }
                try {
                    deliver(batch, member);
                } catch (RuntimeException | Error e) {
                    failed(member, e);
                }
            }
        } finally {
            batch.release();
        }
    }

    private void deliver(RelayBatch batch, Member member) {
        if (batch.historyBatch <= member.historyBatch) {
            return; // it was in the history the member was shown as it joined
        }
        int lines = batch.linesFor(member);
        if (lines == 0) {
            return;
        }
        int relays = batch.relaysFor(member);
        if (!member.hasRoom(lines)) {
            room.stats.relaysDropped(relays);
            return;
        }
        ByteBuf part = batch.partFor(member);
        if (part == null) {
            return;
        }
        member.channel.write(part, member.channel.voidPromise());
        member.channel.flush();
        room.flushes.increment();
        room.stats.relaysSent(relays);
        room.noticesWritten.add(lines - relays);
    }

    /**
     * Closes the members that have not read for {@code strikes} checks in a row while the budget was
     * spent: relays wait in their outbound buffers and those did not shrink since the last check. They
     * hold relays the whole room waits for, whether or not they are over their own limit yet.
     */
    void closeStuck(int strikes) {
        for (int i = 0; i < members.size(); i++) {
            Member member = members.get(i);
            ChannelOutboundBuffer out = member.channel.unsafe().outboundBuffer();
            long pending = out == null ? 0 : out.totalPendingWriteBytes();
            if (pending == 0 || pending < member.lastPending) {
                member.stuckChecks = 0;
            } else if (++member.stuckChecks >= strikes) {
                room.closeStuck(member);
            }
            member.lastPending = pending;
        }
    }

    /** Forgets past strikes once the budget is no longer spent. */
    void clearStrikes() {
        for (int i = 0; i < members.size(); i++) {
            members.get(i).stuckChecks = 0;
            members.get(i).lastPending = 0;
        }
    }

    /** An unexpected error while writing to {@code member}: logged once, and the member's channel closed. */
    private static void failed(Member member, Throwable cause) {
        if (Failures.isFatal(cause)) {
            Failures.escalate(cause);
            return;
        }
        logger.warn("{} unexpected error while relaying to it, closing", member.channel, cause);
        member.channel.close();
    }
}
