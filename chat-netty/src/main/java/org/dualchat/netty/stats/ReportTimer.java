package org.dualchat.netty.stats;

import static java.util.Objects.requireNonNull;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one timer behind a server's periodic work: the once-a-second summaries of drops, refusals and TLS
 * failures, the stats line, the forgetting of idle sources. One scheduled task on one event loop ticks once a
 * second, or as often as the shortest period asks, and runs each job whose period is due.
 *
 * <pre>{@code
 * ReportTimer timer = new ReportTimer();
 * timer.every(Duration.ofSeconds(1), drops::report);
 * timer.every(statsInterval, stats::reportIfChanged);
 * timer.start(group.next());
 * ...
 * timer.stop();
 * }</pre>
 */
public final class ReportTimer {

    private static final Logger logger = LoggerFactory.getLogger(ReportTimer.class);

    /** The tick unless a job asks for a shorter one. */
    static final Duration TICK = Duration.ofSeconds(1);

    private final List<Job> jobs = new ArrayList<>();
    private long tickNanos = TICK.toNanos();
    private ScheduledFuture<?> ticks;

    /** Runs {@code job} every {@code period}, from one period after {@link #start}; a zero period never runs it. */
    public synchronized void every(Duration period, Runnable job) {
        requireNonNull(job, "job");
        if (ticks != null) {
            throw new IllegalStateException("already started");
        }
        if (!period.isZero() && !period.isNegative()) {
            jobs.add(new Job(period.toNanos(), job));
            tickNanos = Math.min(tickNanos, period.toNanos());
        }
    }

    /** Starts ticking on {@code loop}. */
    public synchronized void start(EventExecutor loop) {
        if (ticks != null) {
            throw new IllegalStateException("already started");
        }
        long start = System.nanoTime();
        for (Job job : jobs) {
            job.due = start + job.period;
        }
        ticks = loop.scheduleAtFixedRate(this::tick, tickNanos, tickNanos, TimeUnit.NANOSECONDS);
    }

    /** Stops ticking; a job running now finishes. Idempotent. */
    public synchronized void stop() {
        if (ticks != null) {
            ticks.cancel(false);
        }
    }

    private void tick() {
        long now = System.nanoTime();
        // Half a tick of slack: a tick that comes a little early still runs the job it was meant for.
        long slack = tickNanos / 2;
        for (Job job : jobs) {
            if (now - (job.due - slack) >= 0) {
                job.due += job.period;
                if (now - job.due > 0) {
                    job.due = now + job.period; // late, after a pause: no burst of catching up
                }
                run(job.task);
            }
        }
    }

    private static void run(Runnable task) {
        try {
            task.run();
        } catch (RuntimeException e) {
            // One failing report must not stop the others: a periodic task that throws is never run again.
            logger.warn("A periodic report failed", e);
        }
    }

    /** One periodic job and when it is next due, in {@link System#nanoTime()}. */
    private static final class Job {
        final long period;
        final Runnable task;
        long due;

        Job(long period, Runnable task) {
            this.period = period;
            this.task = task;
        }
    }
}
