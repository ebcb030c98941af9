package org.dualchat.netty.room;

import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import java.util.Collection;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dualchat.netty.common.RelayGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While TCP senders wait for the relay budget, looks every second for members that hold relays without
 * reading, and cuts off those that have read nothing for three checks in a row: the room waits for them.
 * Cut off is the sending half only: the relays it held are let go (the budget with them) and it receives
 * nothing more (what it misses is counted), but what it sends is still read and printed. A sender that
 * never reads (a log shipper, {@code tail -f log | nc host 2222}) is the commonest client of a receiver:
 * closing it would reset its connection and lose what it had sent and the server not read yet.
 */
final class StuckMembers implements RelayGate {

    private static final Logger logger = LoggerFactory.getLogger(StuckMembers.class);

    /** How often, while the budget is spent, members that do not read are looked for; and how many strikes. */
    private static final long CHECK_MILLIS = 1000;
    private static final int STRIKES = 3;

    private final RelayBudget budget;
    private final Collection<LoopShare> loops;
    private final AtomicBoolean queued = new AtomicBoolean();

    /** @param loops the room's loops, a live view */
    StuckMembers(RelayBudget budget, Collection<LoopShare> loops) {
        this.budget = budget;
        this.loops = loops;
    }

    /** The room's gate for TCP senders: open while the relay budget is. */
    @Override
    public boolean isOpen() {
        return budget.isOpen();
    }

    /** Calls back once the budget opens, and meanwhile looks for members that hold it without reading. */
    @Override
    public void whenOpen(Runnable task) {
        budget.whenOpen(task);
        schedule();
    }

    /** Looks in a second, unless a look is already due. */
    void schedule() {
        if (!queued.compareAndSet(false, true)) {
            return;
        }
        for (LoopShare share : loops) {
            try {
                share.loop.schedule(this::check, CHECK_MILLIS, TimeUnit.MILLISECONDS);
                return;
            } catch (RejectedExecutionException shuttingDown) {
                // Try another loop.
            }
        }
        queued.set(false);
    }

    private void check() {
        queued.set(false);
        boolean spent = budget.hasWaiters();
        for (LoopShare share : loops) {
            try {
                share.loop.execute(spent ? () -> share.closeStuck(STRIKES) : share::clearStrikes);
            } catch (RejectedExecutionException shuttingDown) {
                return;
            }
        }
        if (spent) {
            schedule();
        }
    }

    static void close(Member member, RelayBudget budget) {
        Channel channel = member.channel;
        if (channel instanceof DuplexChannel && !((DuplexChannel) channel).isOutputShutdown()) {
            logger.warn("{} gets no more relays: it has read nothing for {} s while the room's relay budget ({} bytes)"
                    + " is spent; what it sends is still printed", channel, STRIKES * CHECK_MILLIS / 1000, budget.limit());
            // Fails and releases what its outbound buffer holds: the budget is free of it at once.
            ((DuplexChannel) channel).shutdownOutput();
            return;
        }
        logger.warn("{} closed: it has read nothing for {} s while the room's relay budget ({} bytes) is spent",
                channel, STRIKES * CHECK_MILLIS / 1000, budget.limit());
        channel.close();
    }
}
