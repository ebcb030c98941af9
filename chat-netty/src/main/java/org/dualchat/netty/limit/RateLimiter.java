package org.dualchat.netty.limit;

import java.net.InetAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * A token bucket per source IP: {@code rate} messages a second, up to {@code burst} at once. Shared by
 * both protocols and every event loop of one server, so a source has one allowance however it sends.
 *
 * <p>Memory is bounded twice over. A bucket that has refilled is no different from a new one, so
 * {@link #expire} drops it (a source is remembered only for about {@code burst / rate} seconds after
 * its last message). And at most {@code maxSources} buckets are kept: sources beyond that, which only a
 * flood from many addresses brings, share one overflow bucket, so that together they get one
 * allowance, not one each.
 *
 * <p>Each bucket keeps one number, the time at which it will be full again (the "generic cell rate
 * algorithm" form of a token bucket): a message costs {@code 1 / rate} seconds of it, and a bucket may
 * run at most {@code burst / rate} seconds ahead of now.
 */
final class RateLimiter {

    private final long cost;
    private final long depth;
    private final int burst;
    private final int maxSources;
    private final ConcurrentHashMap<InetAddress, Bucket> buckets = new ConcurrentHashMap<>();
    private final Bucket overflow = new Bucket();

    /**
     * @param rate messages per second per source, at least 1
     * @param burst messages a source may send at once after a quiet spell, at least 1
     * @param maxSources how many sources to keep a bucket of
     */
    RateLimiter(int rate, int burst, int maxSources) {
        this.cost = TimeUnit.SECONDS.toNanos(1) / rate;
        this.depth = cost * burst;
        this.burst = burst;
        this.maxSources = maxSources;
    }

    int burst() {
        return burst;
    }

    /**
     * Takes {@code messages} tokens from {@code source}'s bucket if it holds that many (UDP: what cannot
     * be taken is dropped whole).
     *
     * @param messages at most {@link #burst()}, or it never fits
     * @return whether the tokens were taken; if not, the bucket is left as it was
     */
    boolean tryTake(InetAddress source, int messages, long now) {
        return bucket(source).tryTake(messages * cost, depth, now);
    }

    /**
     * Takes one token from {@code source}'s bucket, running into debt if it is empty (TCP: the message
     * has been read already, and is never dropped).
     *
     * @return how long {@code source} must now be silent to be back within its rate; 0 if it is within
     */
    long take(InetAddress source, long now) {
        return bucket(source).take(cost, depth, now);
    }

    /** How long {@code source} must be silent to be back within its rate; 0 if it is within. */
    long debt(InetAddress source, long now) {
        Bucket bucket = buckets.get(source);
        return (bucket != null ? bucket : overflow).debt(depth, now);
    }

    /** Forgets the sources whose buckets have refilled: they are as if never seen. */
    void expire(long now) {
        // A message racing with this may land in a bucket just dropped: its source then gets one more
        // token than its due, once. Locking every bucket against that is not worth it.
        buckets.values().removeIf(bucket -> bucket.isFull(now));
    }

    /** The sources with a bucket now. */
    int sources() {
        return buckets.size();
    }

    private Bucket bucket(InetAddress source) {
        Bucket bucket = buckets.get(source);
        if (bucket != null) {
            return bucket;
        }
        if (buckets.size() >= maxSources) {
            return overflow;
        }
        return buckets.computeIfAbsent(source, ip -> new Bucket());
    }

    /** One source's bucket: the time, on the event loops' clock, when it will be full again. */
    private static final class Bucket {

        private long fullAt = Long.MIN_VALUE;

        synchronized boolean tryTake(long price, long depth, long now) {
            long next = Math.max(fullAt, now) + price;
            if (next - now > depth) {
                return false;
            }
            fullAt = next;
            return true;
        }

        synchronized long take(long price, long depth, long now) {
            fullAt = Math.max(fullAt, now) + price;
            return Math.max(0, fullAt - now - depth);
        }

        synchronized long debt(long depth, long now) {
            return fullAt == Long.MIN_VALUE ? 0 : Math.max(0, fullAt - now - depth);
        }

        synchronized boolean isFull(long now) {
            return fullAt <= now;
        }
    }
}
