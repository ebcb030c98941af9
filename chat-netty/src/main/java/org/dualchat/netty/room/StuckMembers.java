package org.dualchat.netty.room;

import java.util.Collection;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * While TCP senders wait for the relay budget, looks every second for members that hold relays without
 * reading, and closes those that have read nothing for three checks in a row: the room waits for them.
 */
final class StuckMembers {

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
        logger.warn("{} closed: it has read nothing for {} s while the room's relay budget ({} bytes) is spent",
                member.channel, STRIKES * CHECK_MILLIS / 1000, budget.limit());
        member.channel.close();
    }
}
