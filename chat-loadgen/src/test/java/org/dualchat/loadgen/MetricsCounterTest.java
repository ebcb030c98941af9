package org.dualchat.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.net.URI;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class MetricsCounterTest {

    private static final String EXPOSITION = "# HELP dualchat_lines_received_total Messages received\n"
            + "# TYPE dualchat_lines_received_total counter\n"
            + "dualchat_lines_received_total{protocol=\"tcp\"} 204.0\n"
            + "dualchat_lines_received_total{protocol=\"udp\"} 1.2345678E7\n"
            + "dualchat_datagrams_received_total 1000.0\n";

    @Test
    void readsTheLinesReceivedOfItsProtocol() throws IOException {
        URI uri = URI.create("http://127.0.0.1:9100/metrics");
        assertThat(MetricsCounter.of(uri, "udp").parse(EXPOSITION)).isEqualTo(12_345_678);
        assertThat(MetricsCounter.of(uri, "tcp").parse(EXPOSITION)).isEqualTo(204);
        assertThat(MetricsCounter.of(uri, "tcp").pollInterval().toMillis()).isEqualTo(100);
    }

    @Test
    void saysWhenTheSeriesIsMissing() {
        MetricsCounter counter = MetricsCounter.of(URI.create("http://127.0.0.1:9100/metrics"), "udp");
        assertThatThrownBy(() -> counter.parse("dualchat_datagrams_received_total 3.0\n"))
                .isInstanceOf(IOException.class)
                .hasMessage("http://127.0.0.1:9100/metrics has no dualchat_lines_received_total{protocol=\"udp\"}");
        assertThatThrownBy(() -> MetricsCounter.of(URI.create("http://x/metrics"), "sctp"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
