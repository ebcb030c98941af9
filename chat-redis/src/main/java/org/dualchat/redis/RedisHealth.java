package org.dualchat.redis;

import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether this node reaches Redis, as the writer and the reader find out: one warning when it goes (not one
 * per message), one line when it is back. Thread-safe.
 */
final class RedisHealth {

    private static final Logger logger = LoggerFactory.getLogger(RedisRoom.class);

    private final String where;
    private final AtomicBoolean down = new AtomicBoolean();

    RedisHealth(String where) {
        this.where = where;
    }

    /** Redis failed; warns if it was fine until now. */
    void failed(Throwable cause) {
        if (down.compareAndSet(false, true)) {
            logger.warn("Redis at {} is unreachable ({}): this node serves its own clients only, counts what it"
                    + " cannot share, and retries", where, RedisLink.reason(cause));
        }
    }

    /** Redis answered; says so if it had failed. */
    void answered(String lastId) {
        if (down.compareAndSet(true, false)) {
            logger.info("Redis at {} is back: reading the room again after id {}", where, lastId);
        }
    }

    boolean isDown() {
        return down.get();
    }
}
