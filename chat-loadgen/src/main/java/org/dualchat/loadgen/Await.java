package org.dualchat.loadgen;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Bounded waits for the senders of a run. */
final class Await {

    // Beyond the run's own time limit, the longest the senders may take to push out what they have written.
    private static final Duration GRACE = Duration.ofSeconds(10);

    private Await() {}

    /**
     * What the senders sent in all, once all have finished, waiting until {@code deadlineNanos} and a
     * grace period at most; a sender that has not finished by then counts with what it sent so far.
     */
    static long allSent(List<? extends PacedSender> senders, long deadlineNanos) throws InterruptedException {
        long giveUp = deadlineNanos + GRACE.toNanos();
        long total = 0;
        for (PacedSender sender : senders) {
            try {
                total += sender.done.get(Math.max(0, giveUp - System.nanoTime()), TimeUnit.NANOSECONDS);
            } catch (ExecutionException | TimeoutException e) {
                total += sender.sent();
            }
        }
        return total;
    }
}
