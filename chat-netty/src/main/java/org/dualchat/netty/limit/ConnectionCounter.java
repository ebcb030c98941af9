package org.dualchat.netty.limit;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.dualchat.netty.stats.ServerStats.Refusal;

/**
 * Counts the open TCP connections, in all and per source IP, and admits a new one only within both
 * limits. Shared by every event loop of one server. The per-source map holds only sources with an open
 * connection, so it is bounded by the total limit. Loopback sources are counted in the total only, unless
 * the per-source limit is asked for them too: on one machine every local client shares one address.
 */
public final class ConnectionCounter {

    private final int maxTotal;
    private final int maxPerSource;
    private final boolean limitLoopback;
    /** Refused connections that may wait at once for their client to read why: past this, closed at once. */
    static final int MAX_LINGERING = 1024;

    private final AtomicInteger total = new AtomicInteger();
    private final AtomicInteger lingering = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perSource = new ConcurrentHashMap<>();
    private final byte[] serverFull;
    private final byte[] sourceFull;

    ConnectionCounter(int maxTotal, int maxPerSource) {
        this(maxTotal, maxPerSource, true);
    }

    /** @param limitLoopback whether {@code maxPerSource} applies to loopback sources too */
    ConnectionCounter(int maxTotal, int maxPerSource, boolean limitLoopback) {
        this.maxTotal = maxTotal;
        this.maxPerSource = maxPerSource;
        this.limitLoopback = limitLoopback;
        this.serverFull = ("Server full: " + maxTotal + " connections, try again later\n")
                .getBytes(StandardCharsets.UTF_8);
        this.sourceFull = ("Too many connections from your address: " + maxPerSource + " at most\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    /**
     * Counts a new connection from {@code source} if both limits allow it.
     *
     * @return {@code null} if the connection is admitted (and must be {@link #closed} later), otherwise
     *     why it is refused
     */
    Refusal tryOpen(InetAddress source) {
        if (total.incrementAndGet() > maxTotal) {
            total.decrementAndGet();
            return Refusal.TOTAL_LIMIT;
        }
        if (!isLimited(source)) {
            return null;
        }
        boolean[] full = {false};
        perSource.compute(source, (ip, count) -> {
            int n = count == null ? 0 : count;
            if (n >= maxPerSource) {
                full[0] = true;
                return count;
            }
            return n + 1;
        });
        if (full[0]) {
            total.decrementAndGet();
            return Refusal.PER_IP_LIMIT;
        }
        return null;
    }

    /** Uncounts a connection that {@link #tryOpen} admitted. */
    void closed(InetAddress source) {
        if (isLimited(source)) {
            perSource.computeIfPresent(source, (ip, count) -> count <= 1 ? null : count - 1);
        }
        total.decrementAndGet();
    }

    /** Takes one of the {@link #MAX_LINGERING} places for a refused connection; {@code false} if none is free. */
    boolean tryLinger() {
        if (lingering.incrementAndGet() > MAX_LINGERING) {
            lingering.decrementAndGet();
            return false;
        }
        return true;
    }

    /** Gives back a place that {@link #tryLinger} took. */
    void lingerEnded() {
        lingering.decrementAndGet();
    }

    private boolean isLimited(InetAddress source) {
        return limitLoopback || !source.isLoopbackAddress();
    }

    /** The open connections now. */
    public int total() {
        return total.get();
    }

    /** The open connections from {@code source} now. */
    int from(InetAddress source) {
        return perSource.getOrDefault(source, 0);
    }

    /** The sources with an open connection now. */
    int sources() {
        return perSource.size();
    }

    /** The one line a refused client is sent, with its newline; never for {@link Refusal#DENIED}. */
    byte[] message(Refusal reason) {
        return reason == Refusal.TOTAL_LIMIT ? serverFull : sourceFull;
    }
}
