package org.dualchat.loadgen;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * Watches a {@link ReceivedCounter} during a run, from a thread of its own: takes a baseline before
 * the first message, polls every few milliseconds, and remembers when the count last grew, which is
 * when the receiver was done with what it got. Once sending has ended, {@link #await} waits until
 * everything sent has arrived or the count has stopped growing.
 */
final class ReceiptWatch implements AutoCloseable {

    private static final long POLL_MILLIS = 2;

    private final ReceivedCounter counter;
    private final long baseline;
    private final Thread thread;
    private volatile long last;
    private volatile long lastGrowthNanos;
    private volatile IOException failure;
    private volatile boolean running = true;

    ReceiptWatch(ReceivedCounter counter) throws IOException {
        this.counter = counter;
        this.baseline = counter.count();
        this.last = baseline;
        this.lastGrowthNanos = System.nanoTime();
        this.thread = new Thread(this::poll, "dualchat-bench-watch");
        thread.setDaemon(true);
        thread.start();
    }

    private void poll() {
        try {
            while (running) {
                long count = counter.count();
                if (count != last) {
                    lastGrowthNanos = System.nanoTime();
                    last = count;
                }
                Thread.sleep(counter.pollInterval().toMillis());
            }
        } catch (IOException e) {
            failure = e;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Waits until the count has grown by {@code expected}, or has not grown for {@code quiet}, or
     * {@code maxWait} has passed; the latter two count from {@code sendEndNanos}, or from the last
     * growth if that came later.
     *
     * @return messages received since the baseline
     * @throws UncheckedIOException if the counter could not be read
     */
    long await(long expected, long sendEndNanos, Duration quiet, Duration maxWait) throws InterruptedException {
        long deadline = sendEndNanos + maxWait.toNanos();
        while (true) {
            if (failure != null) {
                throw new UncheckedIOException("cannot count what was received: " + failure.getMessage(), failure);
            }
            long now = System.nanoTime();
            if (last - baseline >= expected || now - deadline > 0
                    || now - Math.max(sendEndNanos, lastGrowthNanos) > quiet.toNanos()) {
                return last - baseline;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** When the count last grew, as {@link System#nanoTime()}. */
    long lastGrowthNanos() {
        return lastGrowthNanos;
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        thread.join(1000);
    }
}
