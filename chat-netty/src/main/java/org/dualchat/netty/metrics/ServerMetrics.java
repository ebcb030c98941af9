package org.dualchat.netty.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.util.Locale;
import org.dualchat.netty.stats.ServerStats.Count;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.stats.StatsView;

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
 *   <li>{@code dualchat_relays_sent_total}, {@code dualchat_relays_dropped_total}, {@code dualchat_relays_shed_total}</li>
 *   <li>{@code dualchat_tls_handshake_failures_total}</li>
 * </ul>
 *
 * <p>Datagrams, bytes and connections are counted where they reach the server, first in each pipeline,
 * before the access list and the limits. A reason label is the reason's name in lower case ({@code rate_limit},
 * {@code queue_full}); a reason added to the enums later shows up without a change here, and a
 * {@link Count} added later does not compile until it has its meter here.
 */
final class ServerMetrics implements MeterBinder {

    private static final String AT_THE_SOCKET = ", counted as they reach the server, before the access list and limits";

    private final StatsView stats;

    ServerMetrics(StatsView stats) {
        this.stats = requireNonNull(stats, "stats");
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        for (Count count : Count.values()) {
            bind(registry, count);
        }
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
    }

    /** A switch expression, so that a count without a meter is a compile error. */
    private Meter bind(MeterRegistry registry, Count count) {
        return switch (count) {
            case DATAGRAMS -> counter(registry, count, "dualchat.datagrams.received",
                    "UDP datagrams received" + AT_THE_SOCKET);
            case UDP_LINES, TCP_LINES -> FunctionCounter.builder("dualchat.lines.received", stats, s -> s.get(count))
                    .description("Messages received: non-blank UDP lines and TCP lines")
                    .tag("protocol", count == Count.UDP_LINES ? "udp" : "tcp")
                    .register(registry);
            case UDP_BYTES, TCP_BYTES -> FunctionCounter.builder("dualchat.received.bytes", stats, s -> s.get(count))
                    .description("Bytes received, as read from the sockets" + AT_THE_SOCKET)
                    .baseUnit(BaseUnits.BYTES)
                    .tag("protocol", count == Count.UDP_BYTES ? "udp" : "tcp")
                    .register(registry);
            case COMMANDS -> counter(registry, count, "dualchat.commands.received",
                    "Commands the room answered (/who, /nick...): not messages");
            case LINES_SPLIT -> counter(registry, count, "dualchat.lines.split",
                    "Lines longer than the maximum, delivered in pieces");
            case DECODE_ERRORS -> counter(registry, count, "dualchat.decode.errors",
                    "Datagrams and TCP lines that held invalid UTF-8");
            case CONNECTIONS_OPENED -> counter(registry, count, "dualchat.connections",
                    "TCP connections opened, counted before the connection limits;"
                    + " one the access list denies is refused before it opens");
            case CONNECTIONS_OPEN -> Gauge.builder("dualchat.connections.current", stats, s -> s.get(count))
                    .description("TCP connections open now")
                    .register(registry);
            case RELAYS_SENT -> counter(registry, count, "dualchat.relays.sent", "Messages written to receiving clients");
            case RELAYS_DROPPED -> counter(registry, count, "dualchat.relays.dropped",
                    "Messages a receiving client missed, over its outbound limit");
            case RELAYS_SHED -> counter(registry, count, "dualchat.relays.shed",
                    "UDP messages printed but not relayed: the relay budget was spent");
            case TLS_HANDSHAKE_FAILURES -> counter(registry, count, "dualchat.tls.handshake.failures",
                    "TLS clients that did not complete the handshake: not TLS, a refused certificate, a timeout");
            case UDP_KERNEL_DROPS -> counter(registry, count, "dualchat.udp.kernel.drops",
                    "UDP datagrams the kernel dropped before the server read them: its receive buffer was full");
            case ROOM_SHARED -> counter(registry, count, "dualchat.room.shared",
                    "Messages handed to the room shared by several nodes (Redis) and taken by it");
            case ROOM_NOT_SHARED -> counter(registry, count, "dualchat.room.not.shared",
                    "Messages the shared room could not take (Redis down or slow): relayed on this node only");
            case ROOM_FROM_OTHERS -> counter(registry, count, "dualchat.room.from.others",
                    "Messages other nodes received, read from the shared room and relayed here");
            case ROOM_LAG_MILLIS -> Gauge.builder("dualchat.room.lag", stats, s -> s.get(count))
                    .description("How far this node's reading of the shared room is behind, in milliseconds")
                    .baseUnit("milliseconds")
                    .register(registry);
        };
    }

    private Meter counter(MeterRegistry registry, Count count, String name, String description) {
        return FunctionCounter.builder(name, stats, s -> s.get(count)).description(description).register(registry);
    }

    static String label(Enum<?> reason) {
        return reason.name().toLowerCase(Locale.ROOT);
    }
}
