package org.dualchat.netty.room;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.EventExecutor;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.RejectedExecutionException;
import org.dualchat.core.ChatMessage;
import org.dualchat.netty.common.Failures;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The room's part on one event loop: the members whose channels live there, and the outbox that collects
 * what this loop relays in one round. Touched only on that loop, but for {@link #size}.
 */
final class LoopShare {

    private static final Logger logger = LoggerFactory.getLogger(LoopShare.class);

    /**
     * Relays held unencoded at most before they are settled (see {@link #defer}), and their text: what someone
     * unblocking meanwhile gets at once, beyond the relay budget's last check, is at most a batch.
     */
    static final int MAX_DEFERRED = 1024;
    static final int MAX_DEFERRED_CHARS = 16 * 1024;

    final EventExecutor loop;
    final Outbox outbox;
    private final LocalRoom room;
    private final List<Member> members = new ArrayList<>();
    // The private lines of this round, by the loop of the members they are for: at most one entry per loop.
    private final Map<LoopShare, Privates> privates = new IdentityHashMap<>();
    private boolean privatesPending;
    // Members written to since the last flush: flushed once, after every batch already queued for this loop.
    private final List<Member> unflushed = new ArrayList<>();
    private boolean flushQueued;
    private volatile int size;
    private boolean dispatchQueued;
    // Relays held unencoded this round, since no member but their sender could take them (see defer).
    private final ChatMessage[] deferred = new ChatMessage[MAX_DEFERRED];
    private final Member[] deferredSenders = new Member[MAX_DEFERRED];
    private int deferredCount;
    private long deferredChars;
    // The tasks this share queues on its loop, made once: one per round and per flush otherwise.
    private final Runnable dispatchTask = this::dispatch;
    private final Runnable flushTask = this::flushAll;

    LoopShare(EventExecutor loop, LocalRoom room, RelayBudget budget) {
        this.loop = loop;
        this.room = room;
        this.outbox = Outbox.reused(budget);
    }

    LocalRoom room() {
        return room;
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
     * Adds a line to this round's outbox (on this loop): sent on with everything else this round relays.
     * Private lines added before it go first, so that each receiver gets a sender's lines in order.
     */
    void relay(String nick, String ip, String text, Member sender, boolean relay) {
        if (deferredCount > 0) {
            settleDeferred();
        }
        if (privatesPending) {
            sendPrivates();
        }
        outbox.add(nick, ip, text, sender, relay);
        dispatchLater();
    }

    /**
     * Holds a relay that no member but its sender could take, unencoded, until the end of this round ({@link
     * BlockedMembers#skip}); {@code false} if lines already encoded this round must go first, and it is to be encoded.
     */
    boolean defer(ChatMessage message, Member sender) {
        if (!outbox.isEmpty() || privatesPending) {
            return false;
        }
        if (deferredCount == deferred.length || deferredChars >= MAX_DEFERRED_CHARS) {
            settleDeferred();
            if (!outbox.isEmpty()) {
                return false;
            }
        }
        deferred[deferredCount] = message;
        deferredSenders[deferredCount] = sender;
        deferredCount++;
        deferredChars += message.text().length();
        dispatchLater();
        return true;
    }

    boolean hasDeferred() {
        return deferredCount > 0;
    }

    /** Drops the deferred relays if still nobody can take them, or else encodes them, in order, into the outbox. */
    private void settleDeferred() {
        int count = deferredCount;
        deferredCount = 0;
        deferredChars = 0;
        if (!room.blocked.skip(deferred, deferredSenders, count)) {
            int keep = room.historySize();
            for (int i = 0; i < count; i++) {
                ChatMessage message = deferred[i];
                boolean action = message.action();
                // As LocalRoom.add would have: each full batch goes on at once (dispatchLater).
                relay(action ? null : message.nick(), action ? null : message.ip(),
                        action ? ChatCommands.actionLine(message) : message.text(), deferredSenders[i], true);
                if (keep > 0) {
                    outbox.remember(message, keep);
                }
            }
        }
        Arrays.fill(deferred, 0, count, null);
        Arrays.fill(deferredSenders, 0, count, null);
    }

    /**
     * Adds a private line for {@code to} (on this loop): all the private lines of one round for the members
     * of one loop travel as one task, charged to the room's budget until written, like relays.
     */
    void tell(Member to, String text) {
        if (deferredCount > 0) {
            settleDeferred();
        }
        if (!outbox.isEmpty()) {
            room.fanOut(outbox.take());
        }
        Privates forLoop = privates.computeIfAbsent(to.share, share -> new Privates(room.budget()));
        forLoop.add(to, text);
        privatesPending = true;
        if (forLoop.isFull()) {
            sendPrivates();
        } else {
            dispatchLater();
        }
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
            loop.execute(dispatchTask);
        }
    }

    private void dispatch() {
        dispatchQueued = false;
        if (deferredCount > 0) {
            settleDeferred();
        }
        if (!outbox.isEmpty()) {
            room.fanOut(outbox.take());
        }
        if (privatesPending) {
            sendPrivates();
        }
    }

    /** One task per loop with private lines waiting for its members. */
    private void sendPrivates() {
        privatesPending = false;
        for (Map.Entry<LoopShare, Privates> entry : privates.entrySet()) {
            if (entry.getValue().isEmpty()) {
                continue;
            }
            LoopShare to = entry.getKey();
            Privates.Batch batch = entry.getValue().take();
            if (to.loop.inEventLoop()) {
                to.deliverPrivates(batch);
                continue;
            }
            try {
                to.loop.execute(() -> to.deliverPrivates(batch));
            } catch (RejectedExecutionException shuttingDown) {
                batch.lines().release();
            }
        }
    }

    /**
     * Writes each private line to its member, one flush per member (see {@link #flushLater}), and releases the batch. A member over
     * its own buffer misses the line, counted and told as for relays.
     */
    void deliverPrivates(Privates.Batch batch) {
        room.privateDeliveries.increment();
        try {
            Member[] targets = batch.targets();
            for (int i = 0; i < targets.length; i++) {
                Member member = targets[i];
                if (!member.channel.isActive() || !member.hasRoom(1)) {
                    continue;
                }
                try {
                    member.channel.write(batch.lines().line(i), member.channel.voidPromise());
                } catch (RuntimeException | Error e) {
                    failed(member, e);
                    continue;
                }
                flushLater(member);
            }
        } finally {
            batch.lines().release();
        }
    }

    /**
     * Writes what {@code batch} holds for each member here, one write per member and at most one flush (see
     * {@link #flushLater}), and
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
        flushLater(member);
        room.stats.relaysSent(relays);
        room.noticesWritten.add(lines - relays);
    }

    /**
     * Flushes {@code member} once this loop has run the tasks already queued for it: batches that queued
     * up while the loop was busy go out in one system call per member rather than one each.
     */
    private void flushLater(Member member) {
        if (member.unflushed) {
            return;
        }
        member.unflushed = true;
        unflushed.add(member);
        if (!flushQueued) {
            flushQueued = true;
            try {
                loop.execute(flushTask);
            } catch (RejectedExecutionException shuttingDown) {
                flushAll();
            }
        }
    }

    private void flushAll() {
        flushQueued = false;
        for (int i = 0; i < unflushed.size(); i++) {
            Member member = unflushed.get(i);
            member.unflushed = false;
            if (member.channel.isActive()) {
                member.channel.flush();
                room.flushes.increment();
            }
        }
        unflushed.clear();
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
                StuckMembers.close(member, room.budget());
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
