package org.dualchat.netty.limit;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.dualchat.netty.stats.ServerStats.Drop;
import org.dualchat.netty.stats.ServerStats.Refusal;
import org.dualchat.netty.stats.ServerStats;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

@Timeout(10)
class LimitsReportTest {

    private final Logger logger = (Logger) LoggerFactory.getLogger(LimitsReport.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private final ServerStats stats = new ServerStats();
    private final LimitsReport report = new LimitsReport(stats);
    private Level level;

    @BeforeEach
    void capture() {
        logged.start();
        logger.addAppender(logged);
        // Kept to ourselves: the test configuration quiets this logger, and the console need not see it.
        logger.setAdditive(false);
        level = logger.getLevel();
        logger.setLevel(Level.WARN);
    }

    @AfterEach
    void release() {
        logger.detachAppender(logged);
        logger.setAdditive(true);
        logger.setLevel(level);
    }

    private List<String> lines() {
        return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void sumsUpRefusalsAndDropsInOneLineEachAndSaysNothingWhenQuiet() {
        report.report();
        assertThat(logged.list).isEmpty();

        for (int i = 0; i < 1000; i++) {
            stats.refuse(Refusal.TOTAL_LIMIT);
            stats.drop(Drop.RATE_LIMIT);
        }
        stats.refuse(Refusal.PER_IP_LIMIT);
        stats.drop(Drop.DENIED);
        stats.drop(Drop.QUEUE_FULL);
        report.report();
        assertThat(lines()).containsExactly(
                "Refused 1001 TCP connections since the last report: 1000 server full, 1 too many from one address"
                        + " (1001 in all)",
                "Dropped 1001 UDP datagrams since the last report: 1000 over the rate limit, 1 denied by the access"
                        + " list (1001 in all)");
        assertThat(logged.list).allMatch(e -> e.getLevel() == Level.WARN);

        logged.list.clear();
        report.report();
        assertThat(logged.list).as("nothing new, nothing said").isEmpty();

        stats.refuse(Refusal.DENIED);
        report.report();
        assertThat(lines()).containsExactly(
                "Refused 1 TCP connections since the last report: 1 denied by the access list (1002 in all)");
    }
}
