package org.dualchat.netty.stats;

import org.dualchat.netty.stats.ServerStats.Count;
import org.dualchat.netty.stats.ServerStats.Drop;
import org.dualchat.netty.stats.ServerStats.Refusal;

/**
 * A read-only view of a server's counts, for whoever reads them: metrics, the stats line, the reports, tests.
 * Every count is one of {@link Count}, {@link Drop} or {@link Refusal}; the named accessors read those.
 *
 * <pre>{@code
 * StatsView stats = server.stats();
 * long lines = stats.tcpLines() + stats.udpLines();
 * long fullQueue = stats.dropped(ServerStats.Drop.QUEUE_FULL);
 * }</pre>
 */
public interface StatsView {

    /** The count now; exact at some moment while traffic flows. */
    long get(Count count);

    /** TCP connections refused at accept for {@code reason}. */
    long refused(Refusal reason);

    /** Received messages not delivered for {@code reason}. */
    long dropped(Drop reason);

    default long datagrams() {
        return get(Count.DATAGRAMS);
    }

    default long udpLines() {
        return get(Count.UDP_LINES);
    }

    default long udpBytes() {
        return get(Count.UDP_BYTES);
    }

    default long tcpLines() {
        return get(Count.TCP_LINES);
    }

    default long tcpBytes() {
        return get(Count.TCP_BYTES);
    }

    default long linesSplit() {
        return get(Count.LINES_SPLIT);
    }

    default long decodeErrors() {
        return get(Count.DECODE_ERRORS);
    }

    default long connectionsTotal() {
        return get(Count.CONNECTIONS_OPENED);
    }

    default long connectionsCurrent() {
        return get(Count.CONNECTIONS_OPEN);
    }

    default long relaysSent() {
        return get(Count.RELAYS_SENT);
    }

    default long relaysDropped() {
        return get(Count.RELAYS_DROPPED);
    }

    /** Commands taken by the room; they are not among {@link #tcpLines()}. */
    default long commands() {
        return get(Count.COMMANDS);
    }

    default long relaysShed() {
        return get(Count.RELAYS_SHED);
    }

    default long tlsHandshakeFailures() {
        return get(Count.TLS_HANDSHAKE_FAILURES);
    }

    default long udpKernelDrops() {
        return get(Count.UDP_KERNEL_DROPS);
    }

    default long roomShared() {
        return get(Count.ROOM_SHARED);
    }

    default long roomNotShared() {
        return get(Count.ROOM_NOT_SHARED);
    }

    default long roomFromOthers() {
        return get(Count.ROOM_FROM_OTHERS);
    }

    default long roomLagMillis() {
        return get(Count.ROOM_LAG_MILLIS);
    }
}
