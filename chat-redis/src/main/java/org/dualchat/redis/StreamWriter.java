package org.dualchat.redis;

import io.lettuce.core.XAddArgs;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.dualchat.netty.stats.ServerStats;

/**
 * Appends this node's messages to the room's stream: one pipelined {@code XADD ... MAXLEN ~ N} each, on the
 * writing connection, from whichever thread relays. At most {@link RedisOptions#maxInFlight()} wait for
 * Redis's answer: past that (Redis slow) or while Redis is down, a message is not shared, counted, and the
 * caller is told, so nothing queues without bound.
 */
final class StreamWriter {

    private final RedisLink link;
    private final String key;
    private final XAddArgs trim;
    private final ServerStats stats;
    private final RedisHealth health;
    private final int maxInFlight;
    private final Semaphore inFlight;

    StreamWriter(RedisLink link, RedisOptions options, ServerStats stats, RedisHealth health) {
        this.link = link;
        this.key = options.streamKey();
        this.trim = XAddArgs.Builder.maxlen(options.maxlen()).approximateTrimming();
        this.stats = stats;
        this.health = health;
        this.maxInFlight = options.maxInFlight();
        this.inFlight = new Semaphore(maxInFlight);
    }

    /**
     * Hands {@code entry} to Redis.
     *
     * @param added told, on some thread, the entry's id once Redis has added it
     * @param failed told, on some thread, if Redis refused it or could not be reached after all
     * @return {@code false} if it was not even sent (too many waiting, or Redis known down): not shared
     */
    boolean write(RoomEntry entry, Consumer<String> added, Consumer<Throwable> failed) {
        if (health.isDown() && !link.writer().isOpen() || !inFlight.tryAcquire()) {
            stats.roomMessageNotShared();
            return false;
        }
        try {
            link.writer().async().xadd(key, trim, entry.fields()).whenComplete((id, error) -> {
                inFlight.release();
                if (error == null) {
                    stats.roomMessageShared();
                    added.accept(id);
                } else {
                    stats.roomMessageNotShared();
                    health.failed(error);
                    failed.accept(error);
                }
            });
            return true;
        } catch (RuntimeException e) {
            inFlight.release();
            stats.roomMessageNotShared();
            health.failed(e);
            return false;
        }
    }

    /** How many are waiting for Redis's answer. */
    int inFlight() {
        return maxInFlight - inFlight.availablePermits();
    }

    /** Waits until Redis has answered every XADD sent, at most {@code wait}; whether it did. */
    boolean drain(Duration wait) throws InterruptedException {
        if (inFlight.tryAcquire(maxInFlight, wait.toMillis(), TimeUnit.MILLISECONDS)) {
            inFlight.release(maxInFlight);
            return true;
        }
        return false;
    }
}
