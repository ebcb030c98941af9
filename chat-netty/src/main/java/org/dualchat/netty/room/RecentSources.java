package org.dualchat.netty.room;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The UDP sources that sent within a window, to which relays go as datagrams. Bounded: when full, a
 * new source is not added until old ones expire, so a flood of spoofed sources cannot grow it or turn
 * every relay into thousands of datagrams.
 */
public final class RecentSources {

    /** The most UDP sources that receive relays at once. */
    static final int MAX_SOURCES = 1024;

    private final long windowNanos;
    private final int capacity;
    private final LongSupplier clock;
    private final Map<InetSocketAddress, Long> lastSeen = new ConcurrentHashMap<>();

    RecentSources(long windowNanos, int capacity, LongSupplier clock) {
        this.windowNanos = windowNanos;
        this.capacity = capacity;
        this.clock = clock;
    }

    public RecentSources(long windowNanos) {
        this(windowNanos, MAX_SOURCES, System::nanoTime);
    }

    /** Notes that {@code source} just sent. */
    public void seen(InetSocketAddress source) {
        long now = clock.getAsLong();
        if (lastSeen.replace(source, now) != null) {
            return;
        }
        if (lastSeen.size() >= capacity) {
            expire(now);
            if (lastSeen.size() >= capacity) {
                return;
            }
        }
        lastSeen.put(source, now);
    }

    /** The sources still in their window, but {@code except}. */
    List<InetSocketAddress> current(InetSocketAddress except) {
        if (lastSeen.isEmpty()) {
            return List.of(); // the usual case for a TCP line: no clock read, nothing made, for each line
        }
        long now = clock.getAsLong();
        List<InetSocketAddress> result = new ArrayList<>();
        for (Map.Entry<InetSocketAddress, Long> entry : lastSeen.entrySet()) {
            if (now - entry.getValue() <= windowNanos && !entry.getKey().equals(except)) {
                result.add(entry.getKey());
            }
        }
        return result;
    }

    int size() {
        return lastSeen.size();
    }

    /** Forgets the sources whose window has passed. */
    public void expire(long now) {
        lastSeen.values().removeIf(seen -> now - seen > windowNanos);
    }

    public void expire() {
        expire(clock.getAsLong());
    }
}
