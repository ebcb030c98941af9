package org.dualchat.netty.limit;

import java.util.concurrent.atomic.LongAdder;
import org.dualchat.netty.stats.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Counts messages dropped for one reason, and reports them as at most one log line per interval rather
 * than one per drop: a flood must not turn into a flood of warnings.
 */
public final class DropCounter {

    private static final Logger logger = LoggerFactory.getLogger(DropCounter.class);

    private final String what;
    private final LongAdder total = new LongAdder();
    private final ServerStats stats;
    private final ServerStats.Drop reason;
    private long reported;

    public DropCounter(String what) {
        this(what, null, null);
    }

    /** A counter that also counts each drop in {@code stats} under {@code reason} (none if {@code stats} is null). */
    public DropCounter(String what, ServerStats stats, ServerStats.Drop reason) {
        this.what = what;
        this.stats = stats;
        this.reason = reason;
    }

    public void increment() {
        total.increment();
        if (stats != null) {
            stats.drop(reason);
        }
    }

    public long total() {
        return total.sum();
    }

    /** Logs the drops since the last report, if any. */
    public synchronized void report() {
        long now = total.sum();
        long recent = now - reported;
        if (recent > 0) {
            reported = now;
            logger.warn("Dropped {} {} since the last report ({} in all)", recent, what, now);
        }
    }
}
