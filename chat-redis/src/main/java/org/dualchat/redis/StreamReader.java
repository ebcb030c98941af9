package org.dualchat.redis;

import io.lettuce.core.Limit;
import io.lettuce.core.Range;
import io.lettuce.core.RedisException;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.XReadArgs.StreamOffset;
import java.util.List;
import java.util.function.Consumer;
import org.dualchat.netty.stats.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the room's stream on a thread of its own with a blocking {@code XREAD COUNT n BLOCK ms} from the last
 * id it read, and hands each batch on; the hand-off may wait (the relay budget, a full sink), so a slow node
 * reads at its own pace, and its lag is a gauge. When Redis fails it retries with backoff and resumes from
 * its last id, so nothing the stream still holds is missed.
 */
final class StreamReader implements Runnable {

    private static final Logger logger = LoggerFactory.getLogger(StreamReader.class);
    private static final long FIRST_BACKOFF_MILLIS = 100;
    private static final long MAX_BACKOFF_MILLIS = 5000;

    private final RedisLink link;
    private final RedisOptions options;
    private final ServerStats stats;
    private final RedisHealth health;
    private final Consumer<List<StreamMessage<String, String>>> deliver;
    private final Thread thread;
    private volatile boolean running = true;
    private volatile String lastId;

    StreamReader(RedisLink link, RedisOptions options, ServerStats stats, RedisHealth health,
            Consumer<List<StreamMessage<String, String>>> deliver) {
        this.link = link;
        this.options = options;
        this.stats = stats;
        this.health = health;
        this.deliver = deliver;
        this.thread = new Thread(this, "dualchat-redis-reader");
        thread.setDaemon(true);
    }

    /** Starts after the stream's newest entry: a node joining the room hears what is said from now on. */
    void start() {
        start(0, recent -> { });
    }

    /**
     * Hands the stream's last {@code history} entries, oldest first, to {@code recent} (a new node's history),
     * then reads from just after the newest of them: no entry is both, none falls between.
     */
    void start(int history, Consumer<List<StreamMessage<String, String>>> recent) {
        List<StreamMessage<String, String>> newest = link.reader().sync()
                .xrevrange(options.streamKey(), Range.unbounded(), Limit.create(0, Math.max(1, history)));
        lastId = newest.isEmpty() ? "0-0" : newest.get(0).getId();
        if (history > 0 && !newest.isEmpty()) {
            List<StreamMessage<String, String>> oldestFirst = new java.util.ArrayList<>(newest);
            java.util.Collections.reverse(oldestFirst);
            recent.accept(oldestFirst);
        }
        thread.start();
    }

    /** The id of the last entry read. */
    String lastId() {
        return lastId;
    }

    private String newestId() {
        List<StreamMessage<String, String>> newest = link.reader().sync()
                .xrevrange(options.streamKey(), Range.unbounded(), Limit.create(0, 1));
        return newest.isEmpty() ? "0-0" : newest.get(0).getId();
    }

    @Override
    public void run() {
        long backoff = FIRST_BACKOFF_MILLIS;
        XReadArgs args = XReadArgs.Builder.block(options.readBlock()).count(options.readCount());
        while (running) {
            try {
                if (health.isDown()) {
                    checkNotReset();
                }
                List<StreamMessage<String, String>> batch = link.reader().sync()
                        .xread(args, StreamOffset.from(options.streamKey(), lastId));
                health.answered(lastId);
                backoff = FIRST_BACKOFF_MILLIS;
                if (batch == null || batch.isEmpty()) {
                    stats.roomLag(0);
                    continue;
                }
                deliver.accept(batch);
                lastId = batch.get(batch.size() - 1).getId();
                stats.roomLag(Math.max(0, System.currentTimeMillis() - RoomEntry.millisOf(lastId)));
            } catch (RedisException e) {
                if (!running) {
                    return;
                }
                health.failed(e);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException stop) {
                    return;
                }
                backoff = Math.min(backoff * 2, MAX_BACKOFF_MILLIS);
            } catch (RuntimeException e) {
                logger.error("The room's reader failed; it goes on after id {}", lastId, e);
            }
        }
    }

    /**
     * After an outage: if the stream's newest id is older than the last one read, Redis came back without
     * the stream (no persistence), and new ids could sort below ours; read it from the start again.
     */
    private void checkNotReset() {
        String newest = newestId();
        if (compare(newest, lastId) < 0) {
            logger.warn("The room's stream in Redis is older than what this node read (id {} < {}): Redis lost it;"
                    + " reading it from its start", newest, lastId);
            lastId = "0-0";
        }
    }

    static int compare(String a, String b) {
        int c = Long.compare(RoomEntry.millisOf(a), RoomEntry.millisOf(b));
        return c != 0 ? c : Long.compare(sequenceOf(a), sequenceOf(b));
    }

    private static long sequenceOf(String id) {
        int dash = id.indexOf('-');
        return dash < 0 ? 0 : Long.parseLong(id.substring(dash + 1));
    }

    /** Stops reading: at once if it is waiting on Redis, or after the batch in hand. */
    void stop() {
        running = false;
        thread.interrupt();
        try {
            thread.join(options.readBlock().toMillis() + 2000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
