package org.dualchat.netty.room;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Joins and leaves in a large room: above a threshold of members they are told in one line per interval
 * ({@code * 37 joined and 5 left in the last 5 s; 2000 here}) rather than one line each, so that a crowd
 * connecting costs work in proportion to the crowd, not to its square. The log gets the same line, and each
 * join and leave at debug level only: a log line is about 1 KB of garbage, and a crowd's made Logback's
 * appending hot enough for the JIT to spend 18 MB compiling it.
 */
final class PresenceSummary {

    /** The room's logger: the summary stands for the room's own join and leave lines. */
    private static final Logger logger = LoggerFactory.getLogger(LocalRoom.class);

    private final int threshold;
    private final Duration interval;
    private final IntSupplier size;
    private final AtomicInteger joinedSince = new AtomicInteger();
    private final AtomicInteger leftSince = new AtomicInteger();
    private final AtomicBoolean queued = new AtomicBoolean();

    /** @param size how many are in the room now, for the summary line */
    PresenceSummary(int threshold, Duration interval, IntSupplier size) {
        this.threshold = threshold;
        this.interval = interval;
        this.size = size;
    }

    /** Counts a join that made the room {@code size} for the next summary, if the room is large: whether it did. */
    boolean joined(LoopShare share, int size) {
        if (size <= threshold) {
            return false;
        }
        joinedSince.incrementAndGet();
        schedule(share);
        return true;
    }

    /** Counts a leave that left the room at {@code size} for the next summary, if the room was large: whether it did. */
    boolean left(LoopShare share, int size) {
        if (size < threshold) {
            return false;
        }
        leftSince.incrementAndGet();
        schedule(share);
        return true;
    }

    /** Whether a room of {@code size} members is told joins and leaves in summary (and a joiner the count alone). */
    boolean isLarge(int size) {
        return size > threshold;
    }

    private void schedule(LoopShare share) {
        if (queued.compareAndSet(false, true)) {
            try {
                share.loop.schedule(() -> summarize(share), interval.toMillis(), TimeUnit.MILLISECONDS);
            } catch (RejectedExecutionException shuttingDown) {
                queued.set(false);
            }
        }
    }

    /** One line for all the joins and leaves of the last interval, to everyone. */
    private void summarize(LoopShare share) {
        queued.set(false);
        int joined = joinedSince.getAndSet(0);
        int left = leftSince.getAndSet(0);
        int here = size.getAsInt();
        if (joined + left == 0 || here == 0) {
            return;
        }
        String summary = joined + " joined and " + left + " left in the last " + interval.toSeconds() + " s; "
                + here + " here";
        logger.info("{}", summary);
        share.relay(null, null, "* " + summary, null, false);
    }
}
