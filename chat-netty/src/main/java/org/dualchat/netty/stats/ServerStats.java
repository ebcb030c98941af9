package org.dualchat.netty.stats;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * The server's running counts: what came in, who connected, what was relayed and what was dropped, and
 * why. Handlers on any event loop add to them without locking; readers (metrics, the stats summary,
 * tests) take sums, each exact at some moment while traffic flows.
 *
 * <pre>{@code
 * ServerStats stats = server.stats();
 * long lines = stats.tcpLines() + stats.udpLines();
 * long fullQueue = stats.dropped(ServerStats.Drop.QUEUE_FULL);
 * }</pre>
 */
public final class ServerStats {

    /** Why a received message was not delivered. */
    public enum Drop {
        /** A UDP message over its source's rate limit. */
        RATE_LIMIT,
        /** A UDP message that found the output queue full. */
        QUEUE_FULL,
        /** A datagram from a source the access list denies. */
        DENIED
    }

    /** Why a TCP connection was refused at accept. */
    public enum Refusal {
        /** The server already holds its maximum of connections. */
        TOTAL_LIMIT,
        /** The source ip already holds its maximum of connections. */
        PER_IP_LIMIT,
        /** The access list denies the source. */
        DENIED
    }

    private final LongAdder datagrams = new LongAdder();
    private final LongAdder udpLines = new LongAdder();
    private final LongAdder udpBytes = new LongAdder();
    private final LongAdder tcpLines = new LongAdder();
    private final LongAdder commands = new LongAdder();
    private final LongAdder tcpBytes = new LongAdder();
    private final LongAdder linesSplit = new LongAdder();
    private final LongAdder decodeErrors = new LongAdder();
    private final LongAdder connectionsOpened = new LongAdder();
    private final LongAdder connectionsClosed = new LongAdder();
    private final LongAdder relaysSent = new LongAdder();
    private final LongAdder relaysDropped = new LongAdder();
    private final LongAdder tlsHandshakeFailures = new LongAdder();
    private final Map<Drop, LongAdder> drops = counters(Drop.class);
    private final Map<Refusal, LongAdder> refusals = counters(Refusal.class);

    public void datagramReceived(int bytes) {
        datagrams.increment();
        udpBytes.add(bytes);
    }

    public void udpLineReceived() {
        udpLines.increment();
    }

    public void tcpBytesReceived(int bytes) {
        tcpBytes.add(bytes);
    }

    public void tcpLineReceived() {
        tcpLines.increment();
    }

    /**
     * A TCP line the room took as a command ({@code /who}, {@code /nick}): counted as a command, and no
     * longer as a message (the decoder counted it as a line before anyone knew).
     */
    public void commandReceived() {
        commands.increment();
        tcpLines.decrement();
    }

    /** A line over the maximum length was delivered in pieces. */
    public void lineSplit() {
        linesSplit.increment();
    }

    /** Input that was not valid UTF-8 and was shown with U+FFFD. */
    public void decodeError() {
        decodeErrors.increment();
    }

    public void connectionOpened() {
        connectionsOpened.increment();
    }

    public void connectionClosed() {
        connectionsClosed.increment();
    }

    public void refuse(Refusal reason) {
        refusals.get(reason).increment();
    }

    public void drop(Drop reason) {
        drops.get(reason).increment();
    }

    /** A message written to one receiving client. */
    public void relaySent() {
        relaysSent.increment();
    }

    /** A message one receiving client did not get because it was over its outbound limit. */
    public void relayDropped() {
        relaysDropped.increment();
    }

    /** A TLS client that did not complete its handshake: not TLS, a refused certificate, a timeout. */
    public void tlsHandshakeFailed() {
        tlsHandshakeFailures.increment();
    }

    public long datagrams() {
        return datagrams.sum();
    }

    public long udpLines() {
        return udpLines.sum();
    }

    public long udpBytes() {
        return udpBytes.sum();
    }

    public long tcpLines() {
        return tcpLines.sum();
    }

    /** Commands taken by the room; they are not among {@link #tcpLines()}. */
    public long commands() {
        return commands.sum();
    }

    public long tcpBytes() {
        return tcpBytes.sum();
    }

    public long linesSplit() {
        return linesSplit.sum();
    }

    public long decodeErrors() {
        return decodeErrors.sum();
    }

    public long connectionsTotal() {
        return connectionsOpened.sum();
    }

    public long connectionsCurrent() {
        return connectionsOpened.sum() - connectionsClosed.sum();
    }

    public long refused(Refusal reason) {
        return refusals.get(reason).sum();
    }

    public long dropped(Drop reason) {
        return drops.get(reason).sum();
    }

    public long relaysSent() {
        return relaysSent.sum();
    }

    public long relaysDropped() {
        return relaysDropped.sum();
    }

    public long tlsHandshakeFailures() {
        return tlsHandshakeFailures.sum();
    }

    private static <E extends Enum<E>> Map<E, LongAdder> counters(Class<E> type) {
        Map<E, LongAdder> map = new EnumMap<>(type);
        for (E key : type.getEnumConstants()) {
            map.put(key, new LongAdder());
        }
        return map;
    }
}
