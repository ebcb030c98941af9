package org.dualchat.netty.stats;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/** The stats line: what it says, when it is logged and when it is not. */
@Timeout(10)
class StatsReporterTest {

    private final ServerStats stats = new ServerStats();
    private final Logger logger = (Logger) LoggerFactory.getLogger(StatsReporter.class);
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Level level;

    @BeforeEach
    void captureLog() {
        level = logger.getLevel();
        logger.setLevel(Level.INFO);
        logger.setAdditive(false);
        logged.start();
        logger.addAppender(logged);
    }

    @AfterEach
    void restoreLog() {
        logger.detachAppender(logged);
        logger.setAdditive(true);
        logger.setLevel(level);
    }

    private List<String> lines() {
        return logged.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
    }

    @Test
    void saysNothingWhileNothingChanges() {
        StatsReporter reporter = new StatsReporter(stats, Duration.ofSeconds(10));
        reporter.reportIfChanged();
        reporter.reportIfChanged();
        assertThat(lines()).isEmpty();
    }

    @Test
    void reportsEachChangeOnceWithTheLinesSinceTheLastReport() {
        StatsReporter reporter = new StatsReporter(stats, Duration.ofSeconds(10));
        stats.datagramReceived(6);
        stats.udpLineReceived();
        stats.udpLineReceived();
        reporter.reportIfChanged();
        reporter.reportIfChanged();
        stats.connectionOpened();
        stats.tcpBytesReceived(3);
        stats.tcpLineReceived();
        reporter.reportIfChanged();

        assertThat(lines()).containsExactly(
                "Stats: lines 2 (+2 in the last 10 s; udp 2, tcp 0), commands 0, datagrams 1, bytes 6 (udp 6, tcp 0),"
                        + " connections 0 open, 0 in all, 0 refused, drops 0, relays 0 sent, 0 dropped,"
                        + " lines split 0, decode errors 0",
                "Stats: lines 3 (+1 in the last 10 s; udp 2, tcp 1), commands 0, datagrams 1, bytes 9 (udp 6, tcp 3),"
                        + " connections 1 open, 1 in all, 0 refused, drops 0, relays 0 sent, 0 dropped,"
                        + " lines split 0, decode errors 0");
    }

    @Test
    void theShutdownLineIsAlwaysLoggedAndNamesEachReasonThatCounts() {
        StatsReporter reporter = new StatsReporter(stats, Duration.ZERO);
        reporter.reportFinal();
        stats.drop(ServerStats.Drop.QUEUE_FULL);
        stats.drop(ServerStats.Drop.QUEUE_FULL);
        stats.drop(ServerStats.Drop.DENIED);
        stats.refuse(ServerStats.Refusal.PER_IP_LIMIT);
        stats.relaySent();
        stats.relayDropped();
        stats.lineSplit();
        stats.decodeError();
        reporter.reportFinal();

        assertThat(lines()).containsExactly(
                "Stats at shutdown: lines 0 (udp 0, tcp 0), commands 0, datagrams 0, bytes 0 (udp 0, tcp 0), connections 0 open,"
                        + " 0 in all, 0 refused, drops 0, relays 0 sent, 0 dropped, lines split 0, decode errors 0",
                "Stats at shutdown: lines 0 (udp 0, tcp 0), commands 0, datagrams 0, bytes 0 (udp 0, tcp 0), connections 0 open,"
                        + " 0 in all, 1 refused (per_ip_limit 1), drops 3 (queue_full 2, denied 1),"
                        + " relays 1 sent, 1 dropped, lines split 1, decode errors 1");
    }
}
