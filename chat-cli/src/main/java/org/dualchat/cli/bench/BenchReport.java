package org.dualchat.cli.bench;

import java.io.PrintWriter;
import java.util.Locale;
import org.dualchat.loadgen.LatencySummary;
import org.dualchat.loadgen.LoadResult;
import org.dualchat.loadgen.LoadSpec;
import org.dualchat.loadgen.WarmUpResult;

/** Prints a bench result: a short report for people, or one key=value line for scripts. */
final class BenchReport {

    private BenchReport() {}

    static void print(PrintWriter out, String load, LoadSpec spec, String extra, String counted, LoadResult r,
            boolean keyValue) {
        if (keyValue) {
            StringBuilder line = new StringBuilder()
                    .append("load=").append(load)
                    .append(" transport=").append(r.transport())
                    .append(" sent=").append(r.sent())
                    .append(" send_s=").append(fixed(r.sendNanos() / 1e9, 4))
                    .append(" sent_per_s=").append(fixed(r.sendRate(), 0))
                    .append(" received=").append(r.received())
                    .append(" expected=").append(r.expected())
                    .append(" lost=").append(r.lost())
                    .append(" lost_pct=").append(fixed(r.lostPercent(), 3))
                    .append(" receive_s=").append(fixed(r.receiveNanos() / 1e9, 4))
                    .append(" received_per_s=").append(fixed(r.receiveRate(), 0))
                    .append(" errors=").append(r.errors())
                    .append(" timed_out=").append(r.timedOut());
            LatencySummary l = r.latency();
            if (l != null) {
                line.append(" p50_us=").append(l.p50()).append(" p90_us=").append(l.p90())
                        .append(" p99_us=").append(l.p99()).append(" p999_us=").append(l.p999())
                        .append(" max_us=").append(l.max());
            }
            WarmUpResult w = r.warmUp();
            if (w != null) {
                line.append(" warmup_sent=").append(w.sent()).append(" warmup_s=").append(fixed(w.sendNanos() / 1e9, 4))
                        .append(" warmup_received=").append(w.received())
                        .append(" warmup_p50_us=").append(w.latency().p50())
                        .append(" warmup_p99_us=").append(w.latency().p99())
                        .append(" warmup_max_us=").append(w.latency().max());
            }
            out.println(line);
            out.flush();
            return;
        }
        out.printf(Locale.ROOT, "bench %s %s:%d  rate=%s size=%d %s transport=%s%n", load, spec.host(), spec.port(),
                spec.rate() == 0 ? "max" : spec.rate() + "/s", spec.size(), extra, r.transport());
        out.printf(Locale.ROOT, "  sent      %,d in %.3f s (%,.0f/s)%s%n", r.sent(), r.sendNanos() / 1e9, r.sendRate(),
                r.timedOut() ? ", stopped by --duration" : "");
        if (r.received() < 0) {
            out.printf(Locale.ROOT, "  received  not seen (give --count-file with the server's output file, or --count-metrics)%n");
        } else {
            out.printf(Locale.ROOT, "  received  %,d of %,d expected (%s)%n", r.received(), r.expected(), counted);
            out.printf(Locale.ROOT, "  lost      %,d (%.3f%%)%n", r.lost(), r.lostPercent());
            out.printf(Locale.ROOT, "  received/s %,.0f (first send to last message seen, %.3f s)%n",
                    r.receiveRate(), r.receiveNanos() / 1e9);
        }
        if (r.errors() > 0) {
            out.printf(Locale.ROOT, "  errors    %,d (send errors or lost connections)%n", r.errors());
        }
        LatencySummary l = r.latency();
        if (l != null) {
            out.printf(Locale.ROOT, "  latency   p50 %s  p90 %s  p99 %s  p99.9 %s  max %s  (%,d samples)%n",
                    millis(l.p50()), millis(l.p90()), millis(l.p99()), millis(l.p999()), millis(l.max()), l.count());
        }
        WarmUpResult w = r.warmUp();
        if (w != null) {
            LatencySummary wl = w.latency();
            out.printf(Locale.ROOT, "  warm-up   %,d sent in %.3f s before the run, %,d read; latency p50 %s  p99 %s  max %s"
                    + " (not in the figures above)%n", w.sent(), w.sendNanos() / 1e9, w.received(),
                    millis(wl.p50()), millis(wl.p99()), millis(wl.max()));
        }
        out.flush();
    }

    private static String millis(long micros) {
        return fixed(micros / 1000.0, 3) + " ms";
    }

    private static String fixed(double value, int decimals) {
        return String.format(Locale.ROOT, "%." + decimals + "f", value);
    }
}
