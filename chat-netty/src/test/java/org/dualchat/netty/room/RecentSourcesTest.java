package org.dualchat.netty.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/** {@link RecentSources} on a clock the test moves: the window, the exclusion of the sender, the bound. */
class RecentSourcesTest {

    private static final long WINDOW = TimeUnit.SECONDS.toNanos(60);

    private final AtomicLong now = new AtomicLong(1_000_000_000L);

    private RecentSources sources(int capacity) {
        return new RecentSources(WINDOW, capacity, now::get);
    }

    private static InetSocketAddress source(int n) {
        return new InetSocketAddress("127.0.0." + n, 40000 + n);
    }

    private void advance(long seconds) {
        now.addAndGet(TimeUnit.SECONDS.toNanos(seconds));
    }

    @Test
    void relaysGoToEveryRecentSourceButTheSender() {
        RecentSources sources = sources(10);
        sources.seen(source(1));
        sources.seen(source(2));
        sources.seen(source(3));
        assertThat(sources.current(source(2))).containsExactlyInAnyOrder(source(1), source(3));
        // Another port on the same IP is another source.
        assertThat(sources.current(new InetSocketAddress("127.0.0.2", 1))).hasSize(3);
    }

    @Test
    void aSourceLeavesOnceItsWindowHasPassedAndSendingAgainRenewsIt() {
        RecentSources sources = sources(10);
        sources.seen(source(1));
        sources.seen(source(2));
        advance(40);
        sources.seen(source(2));
        advance(30);
        assertThat(sources.current(null)).as("source 1 quiet for 70 s, source 2 for 30 s").containsExactly(source(2));

        assertThat(sources.size()).as("kept until expired").isEqualTo(2);
        sources.expire();
        assertThat(sources.size()).isEqualTo(1);
    }

    @Test
    void theWindowIncludesItsLastInstant() {
        RecentSources sources = sources(10);
        sources.seen(source(1));
        now.addAndGet(WINDOW);
        assertThat(sources.current(null)).containsExactly(source(1));
        now.incrementAndGet();
        assertThat(sources.current(null)).isEmpty();
    }

    @Test
    void whenFullANewSourceWaitsUntilAnOldOneExpires() {
        RecentSources sources = sources(2);
        sources.seen(source(1));
        sources.seen(source(2));
        sources.seen(source(3));
        assertThat(sources.size()).isEqualTo(2);
        assertThat(sources.current(null)).containsExactlyInAnyOrder(source(1), source(2));

        advance(30);
        sources.seen(source(2));
        advance(31);
        // Source 1 has expired: the new source takes its place without an expire() in between.
        sources.seen(source(3));
        assertThat(sources.current(null)).containsExactlyInAnyOrder(source(2), source(3));
        assertThat(sources.size()).isEqualTo(2);
    }

    @Test
    void aFloodOfSpoofedSourcesCannotGrowIt() {
        RecentSources sources = sources(RecentSources.MAX_SOURCES);
        for (int i = 0; i < 10 * RecentSources.MAX_SOURCES; i++) {
            sources.seen(new InetSocketAddress("10.0." + (i >> 8 & 0xff) + "." + (i & 0xff), 1 + i % 60000));
        }
        assertThat(sources.size()).isEqualTo(RecentSources.MAX_SOURCES);
        assertThat(sources.current(null)).hasSize(RecentSources.MAX_SOURCES);
    }
}
