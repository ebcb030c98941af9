package org.dualchat.netty.stats;

import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Logs the server's counts as one line: on a schedule, only when something changed since the last line (a
 * quiet server stays quiet), and once at shutdown whatever happened. Every count of {@link ServerStats} is in
 * it; the reasons of refusals and drops, and TLS handshake failures, once there is one.
 *
 * <pre>
 * Stats: lines 1204 (+200 in the last 10 s; udp 1000, tcp 204), commands 0, datagrams 1000, bytes 65432 (udp 60000,
 *     tcp 5432), connections 3 open, 10 in all, 0 refused, drops 5 (queue_full 5), relays 0 sent, 0 dropped,
 *     lines split 0, decode errors 0
 * </pre>
 */
public final class StatsReporter {

    private static final Logger logger = LoggerFactory.getLogger(StatsReporter.class);

    private final StatsView stats;
    private final String interval;
    private long[] last;
    private long lastLines;

    /** A reporter of {@code stats}, whose periodic lines say they cover the last {@code interval}. */
    public StatsReporter(StatsView stats, Duration interval) {
        this.stats = stats;
        long millis = interval.toMillis();
        this.interval = millis % 1000 == 0 ? millis / 1000 + " s" : millis + " ms";
        this.last = snapshot();
    }

    /** Logs the counts if any changed since the last report. */
    public synchronized void reportIfChanged() {
        long[] now = snapshot();
        if (Arrays.equals(now, last)) {
            return;
        }
        last = now;
        long lines = lines();
        logger.info("Stats: {}", summary("+" + (lines - lastLines) + " in the last " + interval + "; "));
        lastLines = lines;
    }

    /** Logs the counts, changed or not. */
    public synchronized void reportFinal() {
        logger.info("Stats at shutdown: {}", summary(""));
    }

    /** Every count in one line; {@code recent} goes in front of the lines' breakdown. */
    String summary(String recent) {
        StringBuilder line = new StringBuilder(256);
        line.append("lines ").append(lines())
                .append(" (").append(recent)
                .append("udp ").append(stats.udpLines()).append(", tcp ").append(stats.tcpLines()).append(')')
                .append(", commands ").append(stats.commands())
                .append(", datagrams ").append(stats.datagrams())
                .append(", bytes ").append(stats.udpBytes() + stats.tcpBytes())
                .append(" (udp ").append(stats.udpBytes()).append(", tcp ").append(stats.tcpBytes()).append(')')
                .append(", connections ").append(stats.connectionsCurrent()).append(" open, ")
                .append(stats.connectionsTotal()).append(" in all, ");
        long refused = 0;
        for (ServerStats.Refusal reason : ServerStats.Refusal.values()) {
            refused += stats.refused(reason);
        }
        line.append(refused).append(" refused");
        if (refused > 0) {
            line.append(" (");
            for (ServerStats.Refusal reason : ServerStats.Refusal.values()) {
                appendReason(line, reason, stats.refused(reason));
            }
            line.setLength(line.length() - 2);
            line.append(')');
        }
        long dropped = 0;
        for (ServerStats.Drop reason : ServerStats.Drop.values()) {
            dropped += stats.dropped(reason);
        }
        line.append(", drops ").append(dropped);
        if (dropped > 0) {
            line.append(" (");
            for (ServerStats.Drop reason : ServerStats.Drop.values()) {
                appendReason(line, reason, stats.dropped(reason));
            }
            line.setLength(line.length() - 2);
            line.append(')');
        }
        line.append(", relays ").append(stats.relaysSent()).append(" sent, ")
                .append(stats.relaysDropped()).append(" dropped");
        if (stats.relaysShed() > 0) {
            line.append(", ").append(stats.relaysShed()).append(" shed");
        }
        if (stats.roomShared() + stats.roomNotShared() + stats.roomFromOthers() + stats.roomLagMillis() > 0) {
            line.append(", room ").append(stats.roomShared()).append(" shared, ")
                    .append(stats.roomNotShared()).append(" not shared, ")
                    .append(stats.roomFromOthers()).append(" from other nodes, lag ")
                    .append(stats.roomLagMillis()).append(" ms");
        }
        line.append(", lines split ").append(stats.linesSplit())
                .append(", decode errors ").append(stats.decodeErrors());
        if (stats.tlsHandshakeFailures() > 0) {
            line.append(", tls handshake failures ").append(stats.tlsHandshakeFailures());
        }
        long kernelDrops = stats.udpKernelDrops();
        if (kernelDrops > 0) {
            line.append(", udp kernel drops ").append(kernelDrops);
        }
        return line.toString();
    }

    private long lines() {
        return stats.udpLines() + stats.tcpLines();
    }

    private static void appendReason(StringBuilder line, Enum<?> reason, long count) {
        if (count > 0) {
            line.append(reason.name().toLowerCase(Locale.ROOT)).append(' ').append(count).append(", ");
        }
    }

    /** Every count, from the lists in {@link ServerStats}: a count added there is watched here. */
    private long[] snapshot() {
        ServerStats.Count[] counts = ServerStats.Count.values();
        ServerStats.Refusal[] refusals = ServerStats.Refusal.values();
        ServerStats.Drop[] drops = ServerStats.Drop.values();
        long[] values = new long[counts.length + refusals.length + drops.length];
        int i = 0;
        for (ServerStats.Count count : counts) {
            values[i++] = stats.get(count);
        }
        for (ServerStats.Refusal reason : refusals) {
            values[i++] = stats.refused(reason);
        }
        for (ServerStats.Drop reason : drops) {
            values[i++] = stats.dropped(reason);
        }
        return values;
    }
}
