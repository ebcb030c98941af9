package org.dualchat.netty.room;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.dualchat.core.ChatMessage;

/**
 * Relays added one by one from one thread off the event loops, sent on together: one task per event loop
 * with members for the whole run (or each {@link Outbox#MAX_BATCH_BYTES}), not one per line; charged to
 * the relay budget as lines are added, like any relay. Used by one thread (a shared room's reader), then closed.
 */
public final class RelayRun implements AutoCloseable {

    private final LocalRoom room;
    private final Outbox outbox;

    private RelayRun(LocalRoom room) {
        this.room = room;
        this.outbox = new Outbox(room.budget());
    }

    /** A run of relays in {@code room}. */
    public static RelayRun in(LocalRoom room) {
        return new RelayRun(room);
    }

    /** As {@link LocalRoom#relay}: to everyone but {@code sender} and {@code udpSender}. */
    public void relay(ChatMessage message, Member sender, InetSocketAddress udpSender) {
        room.relay(message, sender, udpSender, outbox);
        if (outbox.isFull()) {
            room.fanOut(outbox.take());
        }
    }

    /** A line from the server itself (presence) to every client here. */
    public void notice(String text) {
        outbox.add(null, null, text, null, false);
        if (outbox.isFull()) {
            room.fanOut(outbox.take());
        }
    }

    /** Sends on what was added. */
    @Override
    public void close() {
        if (!outbox.isEmpty()) {
            room.fanOut(outbox.take());
        }
    }

    /**
     * Waits, at most {@code wait}, until every event loop with members has run what was handed to it so far:
     * a reader that pushes batches from off the loops goes at the pace the loops write them out, as a
     * sender's own loop does.
     */
    public void awaitWritten(Duration wait) throws InterruptedException {
        List<LoopShare> shares = new ArrayList<>();
        for (LoopShare share : room.loops.values()) {
            if (share.size() > 0) {
                shares.add(share);
            }
        }
        CountDownLatch done = new CountDownLatch(shares.size());
        for (LoopShare share : shares) {
            try {
                share.loop.execute(done::countDown);
            } catch (RejectedExecutionException shuttingDown) {
                done.countDown();
            }
        }
        done.await(wait.toMillis(), TimeUnit.MILLISECONDS);
    }
}
