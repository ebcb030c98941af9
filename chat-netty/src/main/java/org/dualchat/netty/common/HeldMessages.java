package org.dualchat.netty.common;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts the messages that {@link SinkFeeder}s hold while their sink is full, so that whoever shuts down
 * can wait until every one of them has reached the sink.
 */
public final class HeldMessages {

    private final AtomicLong count = new AtomicLong();

    void add() {
        count.incrementAndGet();
    }

    void remove() {
        count.decrementAndGet();
    }

    public long count() {
        return count.get();
    }

    /** Waits up to {@code timeout} for the count to reach zero; never called on an event loop. */
    public boolean awaitNone(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (count.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }
}
