package org.dualchat.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** Reading the server's peak memory and relay counts from a Prometheus exposition. */
class ServerReadingsTest {

    @Test
    void readsTheSeriesItKnowsInAFixedOrderAndSkipsTheRest() {
        String exposition = String.join("\n",
                "# HELP process_resident_memory_peak_bytes Peak resident set size",
                "dualchat_relays_dropped_total 12.0",
                "process_resident_memory_bytes 5.0E7",
                "process_resident_memory_peak_bytes 1.234E8",
                "dualchat_relays_sent_total 4000000.0",
                "dualchat_relays_shed_total{x=\"y\"} 3.0",
                "");
        assertThat(ServerReadings.parse(exposition)).containsExactly(
                org.assertj.core.api.Assertions.entry("peak_rss_bytes", 123_400_000L),
                org.assertj.core.api.Assertions.entry("relays_sent", 4_000_000L),
                org.assertj.core.api.Assertions.entry("relays_missed", 12L));
    }
}
