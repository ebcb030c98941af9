package org.dualchat.loadgen;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import org.dualchat.netty.common.Reasons;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The connections a TCP load lost to an error: all counted, the first one's reason logged in one line, so that
 * a run reporting {@code errors=1} also says what the error was. Shared by the connections of one run.
 */
final class ConnectionErrors {

    private static final Logger logger = LoggerFactory.getLogger(ConnectionErrors.class);

    private final LongAdder count = new LongAdder();
    private final AtomicBoolean told = new AtomicBoolean();

    /** Counts {@code cause}; the first of the run is also logged, with its reason only (no stack trace). */
    void add(Object connection, Throwable cause) {
        count.increment();
        if (told.compareAndSet(false, true)) {
            logger.warn("{} failed: {} (the first connection error of this run; any others are only counted)",
                    connection, Reasons.of(cause));
        }
    }

    long sum() {
        return count.sum();
    }
}
