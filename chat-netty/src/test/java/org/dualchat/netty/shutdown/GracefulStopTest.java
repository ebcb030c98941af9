package org.dualchat.netty.shutdown;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.DefaultEventLoopGroup;
import io.netty.channel.EventLoopGroup;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The bounds of the stop's accept phase, with listeners that accept one more connection each time they are asked
 * (a stream of new arrivals that never pauses): it must end all the same.
 */
@Timeout(30)
class GracefulStopTest {

    private final EventLoopGroup loops = new DefaultEventLoopGroup(1);

    @AfterEach
    void stopLoops() {
        loops.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
    }

    @Test
    void acceptingEndsOnceAsManyAsTheQueuesHeldAtTheStopHaveBeenAccepted() throws Exception {
        AtomicLong accepted = new AtomicLong(7);
        new GracefulStop(Duration.ofHours(1)).acceptQueued(List.of(), accepted::incrementAndGet, 50, loops);
        // Two readings a round; the first round's start is the stop's own.
        assertThat(accepted.get() - 7).isBetween(50L, 60L);
    }

    @Test
    void acceptingEndsWithTheGraceAfterTheFirstRounds() throws Exception {
        AtomicLong accepted = new AtomicLong();
        long started = System.nanoTime();
        new GracefulStop(Duration.ofMillis(300)).acceptQueued(List.of(), accepted::incrementAndGet, Long.MAX_VALUE,
                loops);
        long tookMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(tookMillis).isBetween(250L, 10_000L);
        assertThat(accepted.get()).as("at least the minimum rounds").isGreaterThanOrEqualTo(40);
    }

    @Test
    void aStopCutShortAcceptsNoMore() throws Exception {
        AtomicLong accepted = new AtomicLong();
        GracefulStop stop = new GracefulStop(Duration.ofHours(1));
        stop.abort();
        stop.acceptQueued(List.of(), accepted::incrementAndGet, Long.MAX_VALUE, loops);
        assertThat(accepted.get()).isLessThanOrEqualTo(1);
    }

    @Test
    void aRoundThatAcceptsNothingEndsIt() throws Exception {
        AtomicLong calls = new AtomicLong();
        new GracefulStop(Duration.ofHours(1)).acceptQueued(List.of(), () -> {
            calls.incrementAndGet();
            return 3;
        }, Long.MAX_VALUE, loops);
        assertThat(calls.get()).isEqualTo(3); // at the stop, then before and after the one round
    }
}
