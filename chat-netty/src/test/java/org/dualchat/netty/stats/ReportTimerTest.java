package org.dualchat.netty.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.netty.channel.DefaultEventLoop;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(10)
class ReportTimerTest {

    private final DefaultEventLoop loop = new DefaultEventLoop();

    @AfterEach
    void stopLoop() {
        loop.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    @Test
    void oneTaskRunsEachJobAtItsOwnPeriodAndNothingAfterStop() throws Exception {
        ReportTimer timer = new ReportTimer();
        AtomicInteger often = new AtomicInteger();
        AtomicInteger seldom = new AtomicInteger();
        AtomicInteger never = new AtomicInteger();
        timer.every(Duration.ofMillis(50), often::incrementAndGet);
        timer.every(Duration.ofMillis(500), seldom::incrementAndGet);
        timer.every(Duration.ZERO, never::incrementAndGet);
        timer.start(loop);
        long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (seldom.get() < 2 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        timer.stop();
        assertThat(seldom.get()).isGreaterThanOrEqualTo(2);
        // Ten ticks of 50 ms to each 500 ms one: however late the loop ran, far more than the slow job.
        assertThat(often.get()).isGreaterThan(2 * seldom.get());
        assertThat(never.get()).as("a zero period turns a job off").isZero();
        loop.submit(() -> { }).sync();
        int stopped = often.get();
        Thread.sleep(200);
        assertThat(often.get()).as("stopped").isEqualTo(stopped);
    }

    @Test
    void aJobThatThrowsDoesNotStopTheOthers() throws Exception {
        ReportTimer timer = new ReportTimer();
        AtomicInteger runs = new AtomicInteger();
        timer.every(Duration.ofMillis(20), () -> {
            throw new IllegalStateException("a report that fails, on purpose");
        });
        timer.every(Duration.ofMillis(20), runs::incrementAndGet);
        Logger logger = (Logger) LoggerFactory.getLogger(ReportTimer.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        logger.addAppender(logged);
        logger.setAdditive(false); // the stack traces are expected: kept out of the build's output
        try {
            timer.start(loop);
            long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
            while (runs.get() < 3 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            timer.stop();
            loop.submit(() -> { }).sync();
        } finally {
            logger.detachAppender(logged);
            logger.setAdditive(true);
        }
        assertThat(runs.get()).isGreaterThanOrEqualTo(3);
        assertThat(logged.list).isNotEmpty().allSatisfy(e -> assertThat(e.getFormattedMessage())
                .isEqualTo("A periodic report failed"));
        assertThatThrownBy(() -> timer.every(Duration.ofSeconds(1), runs::incrementAndGet))
                .isInstanceOf(IllegalStateException.class);
    }
}
