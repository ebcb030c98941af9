package org.dualchat.netty.metrics;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.stats.ServerStats.Count;
import org.dualchat.netty.stats.ServerStats.Drop;
import org.dualchat.netty.stats.ServerStats.Refusal;
import org.dualchat.netty.stats.StatsReporter;
import org.dualchat.netty.stats.StatsView;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.slf4j.LoggerFactory;

/**
 * Every count of {@link ServerStats} reaches both {@code /metrics} and the stats line: each count in turn is
 * given a value no other count has, and that value must show in a Prometheus scrape and in the line. A count
 * added to the lists in ServerStats and left out of either fails here.
 */
@Timeout(10)
class EveryCountIsExportedTest {

    private static final long MARK = 7919;

    @Test
    void eachCountShowsInTheScrapeAndInTheStatsLine() {
        List<Object> all = new ArrayList<>(List.of(Count.values()));
        all.addAll(List.of(Drop.values()));
        all.addAll(List.of(Refusal.values()));
        for (Object count : all) {
            StatsView view = onlyThis(count);
            assertThat(scrape(view)).as("the scrape with %s at %d", count, MARK)
                    .containsPattern(Pattern.compile("(?m)^dualchat_\\S+ " + MARK + "\\.0$"));
            assertThat(statsLine(view)).as("the stats line with %s at %d", count, MARK).contains(" " + MARK);
        }
    }

    @Test
    void theTlsHandshakeFailuresHaveTheirOwnSeries() {
        assertThat(scrape(onlyThis(Count.TLS_HANDSHAKE_FAILURES)))
                .contains("dualchat_tls_handshake_failures_total " + MARK + ".0");
        assertThat(statsLine(onlyThis(Count.TLS_HANDSHAKE_FAILURES))).endsWith(", tls handshake failures " + MARK);
    }

    @Test
    void theViewHandedOutCannotAdd() {
        ServerStats stats = new ServerStats();
        stats.relaySent();
        StatsView view = stats.view();
        assertThat(view).isNotInstanceOf(ServerStats.class);
        assertThat(view.relaysSent()).isEqualTo(1);
        stats.relaySent();
        assertThat(view.relaysSent()).as("live").isEqualTo(2);
    }

    private static StatsView onlyThis(Object marked) {
        return new StatsView() {
            @Override
            public long get(Count count) {
                return count == marked ? MARK : 0;
            }

            @Override
            public long refused(Refusal reason) {
                return reason == marked ? MARK : 0;
            }

            @Override
            public long dropped(Drop reason) {
                return reason == marked ? MARK : 0;
            }
        };
    }

    private static String scrape(StatsView view) {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        try {
            new ServerMetrics(view).bindTo(registry);
            return registry.scrape();
        } finally {
            registry.close();
        }
    }

    private static String statsLine(StatsView view) {
        Logger logger = (Logger) LoggerFactory.getLogger(StatsReporter.class);
        ListAppender<ILoggingEvent> logged = new ListAppender<>();
        logged.start();
        Level level = logger.getLevel();
        logger.addAppender(logged);
        logger.setAdditive(false);
        logger.setLevel(Level.INFO);
        try {
            new StatsReporter(view, Duration.ofSeconds(1)).reportFinal();
        } finally {
            logger.detachAppender(logged);
            logger.setAdditive(true);
            logger.setLevel(level);
        }
        assertThat(logged.list).hasSize(1);
        return logged.list.get(0).getFormattedMessage();
    }
}
