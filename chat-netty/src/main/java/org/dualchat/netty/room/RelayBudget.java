package org.dualchat.netty.room;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.dualchat.netty.common.RelayGate;

/**
 * The bytes of relays waiting anywhere in the room (batches queued for event loops and batches held in
 * clients' outbound buffers, each counted once however many clients share it), against one global limit.
 * A batch is charged as its lines are encoded and credited when the last client has written it out or
 * dropped it. While the budget is spent, TCP senders wait ({@link #whenOpen}) and UDP relays are dropped;
 * waiters resume once three quarters of the budget are free again, so they do not wake for every batch.
 * Thread-safe.
 */
public final class RelayBudget implements RelayGate {

    private final long limit;
    private final long resumeAt;
    private final AtomicLong used = new AtomicLong();
    private final AtomicLong peak = new AtomicLong();
    private final AtomicLong waits = new AtomicLong();
    // At most one entry per paused TCP channel: a SinkFeeder waits once until it is called back.
    private final Queue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    // The most bytes one batch holds before it is sent on (Outbox.isFull); a member's limit in a crowded room.
    private volatile int batchBytes = Outbox.MAX_BATCH_BYTES;

    public RelayBudget(long limit) {
        if (limit < 1) {
            throw new IllegalArgumentException("limit: " + limit + " (expected: > 0)");
        }
        this.limit = limit;
        this.resumeAt = limit * 3 / 4;
    }

    /** The most bytes one batch holds before it is sent on: see {@link MemberBuffers}. */
    int batchBytes() {
        return batchBytes;
    }

    void batchBytes(int bytes) {
        batchBytes = bytes;
    }

    @Override
    public boolean isOpen() {
        return used.get() < limit;
    }

    @Override
    public void whenOpen(Runnable task) {
        waits.incrementAndGet();
        waiters.add(task);
        // A release may have happened between the caller's check and the add.
        if (used.get() <= resumeAt) {
            wake();
        }
    }

    /** Counts {@code bytes} about to wait; the callers check {@link #isOpen()} first where they can wait or drop. */
    void charge(long bytes) {
        long now = used.addAndGet(bytes);
        // A plain read first: a compare-and-set for every line would cost as much as the count itself.
        if (now > peak.get()) {
            peak.accumulateAndGet(now, Math::max);
        }
    }

    void release(long bytes) {
        long now = used.addAndGet(-bytes);
        if (now <= resumeAt && !waiters.isEmpty()) {
            wake();
        }
    }

    private void wake() {
        Runnable task;
        while ((task = waiters.poll()) != null) {
            task.run();
        }
    }

    /** The most relay bytes that may wait at once. */
    public long limit() {
        return limit;
    }

    /** Relay bytes waiting now. */
    public long used() {
        return used.get();
    }

    /** The most relay bytes that ever waited at once. */
    public long peak() {
        return peak.get();
    }

    /** How many times a TCP sender was paused because the budget was spent. */
    public long waits() {
        return waits.get();
    }

    /** Whether TCP senders are waiting for the budget now. */
    boolean hasWaiters() {
        return !waiters.isEmpty();
    }
}
