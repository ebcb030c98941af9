package org.dualchat.netty.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import java.util.function.ToDoubleFunction;
import org.dualchat.netty.stats.ServerStats;

/**
 * Exposes every {@link ServerStats} count as a Micrometer meter that reads the count when scraped: the
 * handlers keep adding to their {@code LongAdder}s and pay nothing for metrics. Names, as Prometheus
 * shows them:
 *
 * <ul>
 *   <li>{@code dualchat_datagrams_received_total}</li>
 *   <li>{@code dualchat_lines_received_total{protocol="udp|tcp"}}: messages; commands are not among them</li>
 *   <li>{@code dualchat_commands_received_total}: the room's commands ({@code /who}, {@code /nick}...)</li>
 *   <li>{@code dualchat_received_bytes_total{protocol="udp|tcp"}}</li>
 *   <li>{@code dualchat_lines_split_total}, {@code dualchat_decode_errors_total}</li>
 *   <li>{@code dualchat_connections_total} (opened), {@code dualchat_connections_current}</li>
 *   <li>{@code dualchat_connections_refused_total{reason=...}}: one series per {@link ServerStats.Refusal}</li>
 *   <li>{@code dualchat_drops_total{reason=...}}: one series per {@link ServerStats.Drop}</li>
 *   <li>{@code dualchat_relays_sent_total}, {@code dualchat_relays_dropped_total}</li>
 * </ul>
 *
 * <p>A reason label is the reason's name in lower case ({@code rate_limit}, {@code queue_full}); a reason
 * added to the enums later shows up without a change here.
 */
final class ServerMetrics implements MeterBinder {

    private final ServerStats stats;

    ServerMetrics(ServerStats stats) {
        this.stats = requireNonNull(stats, "stats");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        counter(registry, "dualchat.datagrams.received", "UDP datagrams received", ServerStats::datagrams);
        for (String protocol : new String[] {"udp", "tcp"}) {
            boolean udp = protocol.equals("udp");
            FunctionCounter.builder("dualchat.lines.received", stats,
                            udp ? ServerStats::udpLines : ServerStats::tcpLines)
                    .description("Messages received: non-blank UDP lines and TCP lines")
                    .tag("protocol", protocol)
                    .register(registry);
            FunctionCounter.builder("dualchat.received.bytes", stats,
                            udp ? ServerStats::udpBytes : ServerStats::tcpBytes)
                    .description("Bytes received, as read from the sockets")
                    .baseUnit(BaseUnits.BYTES)
                    .tag("protocol", protocol)
                    .register(registry);
        }
        counter(registry, "dualchat.commands.received", "Commands the room answered (/who, /nick...): not messages",
                ServerStats::commands);
        counter(registry, "dualchat.lines.split", "Lines longer than the maximum, delivered in pieces",
                ServerStats::linesSplit);
        counter(registry, "dualchat.decode.errors", "Datagrams and TCP lines that held invalid UTF-8",
                ServerStats::decodeErrors);
        counter(registry, "dualchat.connections", "TCP connections opened", ServerStats::connectionsTotal);
        Gauge.builder("dualchat.connections.current", stats, ServerStats::connectionsCurrent)
                .description("TCP connections open now")
                .register(registry);
        for (ServerStats.Refusal reason : ServerStats.Refusal.values()) {
            FunctionCounter.builder("dualchat.connections.refused", stats, s -> s.refused(reason))
                    .description("TCP connections refused at accept, by reason")
                    .tag("reason", label(reason))
                    .register(registry);
        }
        for (ServerStats.Drop reason : ServerStats.Drop.values()) {
            FunctionCounter.builder("dualchat.drops", stats, s -> s.dropped(reason))
                    .description("Messages received but not delivered, by reason")
                    .tag("reason", label(reason))
                    .register(registry);
        }
        counter(registry, "dualchat.relays.sent", "Messages written to receiving clients", ServerStats::relaysSent);
        counter(registry, "dualchat.relays.dropped", "Messages a receiving client missed, over its outbound limit",
                ServerStats::relaysDropped);
    }

    private void counter(MeterRegistry registry, String name, String description, ToDoubleFunction<ServerStats> f) {
        FunctionCounter.builder(name, stats, f).description(description).register(registry);
    }

    static String label(Enum<?> reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }
}
