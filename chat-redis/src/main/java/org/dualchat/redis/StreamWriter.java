package org.dualchat.redis;

import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Function;
import org.dualchat.netty.stats.ServerStats;

/**
 * Appends this node's messages to the room's stream: one pipelined {@code XADD ... MAXLEN ~ N} each, on the
 * writing connection, from whichever thread relays. At most {@link RedisOptions#maxInFlight()} wait for
 * Redis's answer: past that (Redis slow) or while Redis is down, a message is not shared, counted, and the
 * caller is told, so nothing queues without bound. Before it comes to that, {@link #hasRoom} turns false
 * once three quarters wait, so that TCP senders pause (their lines held, none lost) until Redis catches up;
 * only what cannot wait (UDP, the console) or comes while Redis is down goes unshared.
 */
final class StreamWriter {

    private final RedisLink link;
    private final String key;
    private final XAddArgs trim;
    private final ServerStats stats;
    private final RedisHealth health;
    private final int maxInFlight;
    private final Semaphore inFlight;
    // Senders paused until fewer wait for Redis: one task per paused connection, so bounded by them.
    private final ConcurrentLinkedQueue<Runnable> waiting = new ConcurrentLinkedQueue<>();

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
        Map<String, String> fields = entry.fields();
        return write(redis -> redis.xadd(key, trim, fields), true, added, failed);
    }

    /**
     * As {@link #write(RoomEntry, Consumer, Consumer)}, for another command that adds to the stream (a private
     * line's script), pipelined after what was written before it: bounded by the same limit, not counted as a
     * message shared or not.
     */
    <T> boolean writeOther(Function<RedisAsyncCommands<String, String>, CompletionStage<T>> command,
            Consumer<T> added, Consumer<Throwable> failed) {
        return write(command, false, added, failed);
    }

    private <T> boolean write(Function<RedisAsyncCommands<String, String>, CompletionStage<T>> command,
            boolean counted, Consumer<T> added, Consumer<Throwable> failed) {
        if (health.isDown() && !link.writer().isOpen() || !inFlight.tryAcquire()) {
            notShared(counted);
            return false;
        }
        try {
            command.apply(link.writer().async()).whenComplete((result, error) -> {
                inFlight.release();
                if (error != null) {
                    health.failed(error);
                }
                wakeIfRoom();
                if (error == null) {
                    if (counted) {
                        stats.roomMessageShared();
                    }
                    added.accept(result);
                } else {
                    notShared(counted);
                    failed.accept(error);
                }
            });
            return true;
        } catch (RuntimeException e) {
            inFlight.release();
            notShared(counted);
            health.failed(e);
            return false;
        }
    }

    private void notShared(boolean counted) {
        if (counted) {
            stats.roomMessageNotShared();
        }
    }

    /**
     * Whether senders that can wait should hand over more now: fewer than three quarters of the most that
     * may wait for Redis do, or Redis is down (then nothing is shared and nobody should wait for it).
     */
    boolean hasRoom() {
        return health.isDown() || inFlight.availablePermits() > maxInFlight / 4;
    }

    /**
     * Runs {@code task} once {@link #hasRoom}, maybe at once, maybe on the thread of Redis's answer; once. Its
     * callers (a paused connection's feeder) wait once until called back, however often they are paused, so
     * the queue holds at most one task per paused connection (SendersPausedIT).
     */
    void whenRoom(Runnable task) {
        waiting.add(task);
        wakeIfRoom();
    }

    private void wakeIfRoom() {
        Runnable task;
        while (!waiting.isEmpty() && hasRoom() && (task = waiting.poll()) != null) {
            task.run();
        }
    }

    /** How many paused senders wait for room here (one task each). */
    int waiting() {
        return waiting.size();
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
