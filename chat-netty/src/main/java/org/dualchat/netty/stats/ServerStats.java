package org.dualchat.netty.stats;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;

/**
 * The server's running counts: what came in, who connected, what was relayed and what was dropped, and
 * why. Handlers on any event loop add to them without locking; readers get {@link #view()}, which cannot
 * add, and take sums, each exact at some moment while traffic flows.
 *
 * <p>Every count is listed once, in {@link Count}, {@link Drop} and {@link Refusal}: {@code /metrics} and the
 * stats line are made from those lists, and a test checks that each count reaches both.
 */
public final class ServerStats implements StatsView {

    /** Every count besides the drops and refusals by reason. Traffic is counted as it reaches the socket. */
    public enum Count {
        /** UDP datagrams read, before the access list and the rate limit. */
        DATAGRAMS,
        /** Non-blank UDP lines delivered. */
        UDP_LINES,
        /** TCP lines delivered. */
        TCP_LINES,
        /** Commands the room answered ({@code /who}, {@code /nick}...): not messages, and not among the lines. */
        COMMANDS,
        /** UDP bytes read, before the access list and the rate limit. */
        UDP_BYTES,
        /** TCP bytes read, before the access list, the limits, TLS and framing. */
        TCP_BYTES,
        /** Lines over the maximum length, delivered in pieces. */
        LINES_SPLIT,
        /** Datagrams and TCP lines that held invalid UTF-8. */
        DECODE_ERRORS,
        /** TCP connections opened, before the connection limits; one the access list denies never opens. */
        CONNECTIONS_OPENED,
        /** TCP connections open now. */
        CONNECTIONS_OPEN,
        /** Messages written to a receiving client. */
        RELAYS_SENT,
        /** Messages a receiving client did not get because it was over its outbound limit. */
        RELAYS_DROPPED,
        /** UDP messages printed but not relayed at all, because the room's relay budget was spent. */
        RELAYS_SHED,
        /** TLS clients that did not complete their handshake: not TLS, a refused certificate, a timeout. */
        TLS_HANDSHAKE_FAILURES,
        /**
         * UDP datagrams the kernel dropped before the server read them, its receive buffer full: never among
         * {@link #DATAGRAMS}. Read from the kernel's count for the server's sockets ({@link UdpKernelDrops}).
         */
        UDP_KERNEL_DROPS,
        /** Messages handed to the room shared by several nodes (a Redis stream) and taken by it. */
        ROOM_SHARED,
        /** Messages the shared room could not take (Redis down or too slow): relayed on this node only. */
        ROOM_NOT_SHARED,
        /** Messages other nodes received, read from the shared room and relayed to this node's clients. */
        ROOM_FROM_OTHERS,
        /** How far this node's reading of the shared room is behind, in milliseconds: a gauge. */
        ROOM_LAG_MILLIS
    }

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

    private final LongAdder[] counts = new LongAdder[Count.values().length];
    private final LongAdder connectionsClosed = new LongAdder();
    private final Map<Drop, LongAdder> drops = counters(Drop.class);
    private final Map<Refusal, LongAdder> refusals = counters(Refusal.class);
    private final StatsView view = new ReadOnly();
    private volatile LongSupplier kernelDrops = () -> 0;

    public ServerStats() {
        for (int i = 0; i < counts.length; i++) {
            counts[i] = new LongAdder();
        }
    }

    /** The counts, read-only: what to hand to anyone who only reads them. */
    public StatsView view() {
        return view;
    }

    public void datagramReceived(int bytes) {
        counts[Count.DATAGRAMS.ordinal()].increment();
        counts[Count.UDP_BYTES.ordinal()].add(bytes);
    }

    public void udpLineReceived() {
        counts[Count.UDP_LINES.ordinal()].increment();
    }

    public void tcpBytesReceived(int bytes) {
        counts[Count.TCP_BYTES.ordinal()].add(bytes);
    }

    public void tcpLineReceived() {
        counts[Count.TCP_LINES.ordinal()].increment();
    }

    /**
     * A TCP line the room took as a command ({@code /who}, {@code /nick}): counted as a command, and no
     * longer as a message (the decoder counted it as a line before anyone knew).
     */
    public void commandReceived() {
        counts[Count.COMMANDS.ordinal()].increment();
        counts[Count.TCP_LINES.ordinal()].decrement();
    }

    /** A line over the maximum length was delivered in pieces. */
    public void lineSplit() {
        counts[Count.LINES_SPLIT.ordinal()].increment();
    }

    /** Input that was not valid UTF-8 and was shown with U+FFFD. */
    public void decodeError() {
        counts[Count.DECODE_ERRORS.ordinal()].increment();
    }

    public void connectionOpened() {
        counts[Count.CONNECTIONS_OPENED.ordinal()].increment();
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
        counts[Count.RELAYS_SENT.ordinal()].increment();
    }

    /** A message one receiving client did not get because it was over its outbound limit. */
    public void relayDropped() {
        counts[Count.RELAYS_DROPPED.ordinal()].increment();
    }

    /** {@code n} relays written to receiving clients at once (one batch). */
    public void relaysSent(long n) {
        counts[Count.RELAYS_SENT.ordinal()].add(n);
    }

    /** {@code n} relays a receiving client missed at once (one batch). */
    public void relaysDropped(long n) {
        counts[Count.RELAYS_DROPPED.ordinal()].add(n);
    }

    /** A UDP message not relayed at all because the room's relay budget was spent. */
    public void relayShed() {
        counts[Count.RELAYS_SHED.ordinal()].increment();
    }

    /** A TLS client that did not complete its handshake: not TLS, a refused certificate, a timeout. */
    public void tlsHandshakeFailed() {
        counts[Count.TLS_HANDSHAKE_FAILURES.ordinal()].increment();
    }

    /** Where {@link Count#UDP_KERNEL_DROPS} is read from: the kernel keeps that count, not the handlers. */
    public void udpKernelDrops(LongSupplier source) {
        this.kernelDrops = source;
    }

    /** A message the shared room took. */
    public void roomMessageShared() {
        counts[Count.ROOM_SHARED.ordinal()].increment();
    }

    /** A message the shared room could not take. */
    public void roomMessageNotShared() {
        counts[Count.ROOM_NOT_SHARED.ordinal()].increment();
    }

    /** {@code n} messages from other nodes read from the shared room. */
    public void roomReadFromOthers(long n) {
        counts[Count.ROOM_FROM_OTHERS.ordinal()].add(n);
    }

    /** How far behind the reading of the shared room is now; set by its one reader. */
    public void roomLag(long millis) {
        LongAdder lag = counts[Count.ROOM_LAG_MILLIS.ordinal()];
        lag.reset();
        lag.add(millis);
    }

    @Override
    public long get(Count count) {
        if (count == Count.UDP_KERNEL_DROPS) {
            return kernelDrops.getAsLong();
        }
        if (count == Count.CONNECTIONS_OPEN) {
            return counts[Count.CONNECTIONS_OPENED.ordinal()].sum() - connectionsClosed.sum();
        }
        return counts[count.ordinal()].sum();
    }

    @Override
    public long refused(Refusal reason) {
        return refusals.get(reason).sum();
    }

    @Override
    public long dropped(Drop reason) {
        return drops.get(reason).sum();
    }

    private static <E extends Enum<E>> Map<E, LongAdder> counters(Class<E> type) {
        Map<E, LongAdder> map = new EnumMap<>(type);
        for (E key : type.getEnumConstants()) {
            map.put(key, new LongAdder());
        }
        return map;
    }

    /** The view: reads through to the counts, and has nothing that adds to them. */
    private final class ReadOnly implements StatsView {
        @Override
        public long get(Count count) {
            return ServerStats.this.get(count);
        }

        @Override
        public long refused(Refusal reason) {
            return ServerStats.this.refused(reason);
        }

        @Override
        public long dropped(Drop reason) {
            return ServerStats.this.dropped(reason);
        }
    }
}
