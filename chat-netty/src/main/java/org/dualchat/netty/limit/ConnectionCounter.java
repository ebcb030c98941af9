package org.dualchat.netty.limit;

import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.dualchat.netty.stats.ServerStats.Refusal;

/**
 * Counts the open TCP connections, in all and per source IP, and admits a new one only within both
 * limits. Shared by every event loop of one server. The per-source map holds only sources with an open
 * connection, so it is bounded by the total limit.
 */
public final class ConnectionCounter {

    private final int maxTotal;
    private final int maxPerSource;
    private final AtomicInteger total = new AtomicInteger();
    private final ConcurrentHashMap<InetAddress, Integer> perSource = new ConcurrentHashMap<>();
    private final byte[] serverFull;
    private final byte[] sourceFull;

    ConnectionCounter(int maxTotal, int maxPerSource) {
        this.maxTotal = maxTotal;
        this.maxPerSource = maxPerSource;
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
        perSource.computeIfPresent(source, (ip, count) -> count <= 1 ? null : count - 1);
        total.decrementAndGet();
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
