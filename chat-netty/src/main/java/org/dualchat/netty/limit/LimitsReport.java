package org.dualchat.netty.limit;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.dualchat.netty.stats.ServerStats.Drop;
import org.dualchat.netty.stats.ServerStats.Refusal;
import org.dualchat.netty.stats.StatsView;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sums up what the limits refused and dropped since the last report, from the server's counts, in at
 * most one line for connections and one for datagrams: run once a second, it turns a flood into two
 * warnings a second, not one per refusal. A quiet second logs nothing.
 */
final class LimitsReport {

    private static final Logger logger = LoggerFactory.getLogger(LimitsReport.class);

    private final StatsView stats;
    private final Map<Refusal, Long> refusedSeen = new EnumMap<>(Refusal.class);
    private long rateDropsSeen;
    private long deniedDropsSeen;

    LimitsReport(StatsView stats) {
        this.stats = stats;
        for (Refusal reason : Refusal.values()) {
            refusedSeen.put(reason, 0L);
        }
    }

    synchronized void report() {
        long refusedNow = 0;
        long refusedAll = 0;
        List<String> why = new ArrayList<>();
        for (Refusal reason : Refusal.values()) {
            long all = stats.refused(reason);
            long recent = all - refusedSeen.put(reason, all);
            refusedAll += all;
            refusedNow += recent;
            if (recent > 0) {
                why.add(recent + " " + describe(reason));
            }
        }
        if (refusedNow > 0) {
            logger.warn("Refused {} TCP connections since the last report: {} ({} in all)",
                    refusedNow, String.join(", ", why), refusedAll);
        }

        long rateAll = stats.dropped(Drop.RATE_LIMIT);
        long deniedAll = stats.dropped(Drop.DENIED);
        long rate = rateAll - rateDropsSeen;
        long denied = deniedAll - deniedDropsSeen;
        rateDropsSeen = rateAll;
        deniedDropsSeen = deniedAll;
        if (rate + denied > 0) {
            why.clear();
            if (rate > 0) {
                why.add(rate + " over the rate limit");
            }
            if (denied > 0) {
                why.add(denied + " denied by the access list");
            }
            logger.warn("Dropped {} UDP datagrams since the last report: {} ({} in all)",
                    rate + denied, String.join(", ", why), rateAll + deniedAll);
        }
    }

    private static String describe(Refusal reason) {
        switch (reason) {
            case TOTAL_LIMIT:
                return "server full";
            case PER_IP_LIMIT:
                return "too many from one address";
            case DENIED:
            default:
                return "denied by the access list";
        }
    }
}
