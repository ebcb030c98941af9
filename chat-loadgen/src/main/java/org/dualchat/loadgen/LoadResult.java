package org.dualchat.loadgen;

/**
 * What one bench run saw.
 *
 * @param transport the transport the load was sent on ({@code epoll}, {@code nio})
 * @param sent messages sent
 * @param sendNanos from the first message to the last one written to the socket
 * @param timedOut whether the run hit its time limit before sending its count
 * @param received messages the receiver showed ({@link ReceivedCounter}); -1 when nothing could be seen
 * @param expected messages the receiver should have shown: {@code sent}, times the receivers for relay
 * @param receiveNanos from the first message to the last growth of the received count
 * @param errors send errors (such as ICMP port unreachable) and lost connections
 * @param latency relay latency percentiles, or {@code null}
 * @param warmUp what the warm-up before the measured run saw, or {@code null} if there was none
 */
public record LoadResult(String transport, long sent, long sendNanos, boolean timedOut, long received,
        long expected, long receiveNanos, long errors, LatencySummary latency, WarmUpResult warmUp) {

    /** A run without a warm-up. */
    public LoadResult(String transport, long sent, long sendNanos, boolean timedOut, long received,
            long expected, long receiveNanos, long errors, LatencySummary latency) {
        this(transport, sent, sendNanos, timedOut, received, expected, receiveNanos, errors, latency, null);
    }

    /** Messages sent per second. */
    public double sendRate() {
        return perSecond(sent, sendNanos);
    }

    /** Messages received per second, from the first send to the last message seen; 0 if unknown. */
    public double receiveRate() {
        return received < 0 ? 0 : perSecond(received, receiveNanos);
    }

    /** Messages expected but not received; -1 when nothing could be seen. */
    public long lost() {
        return received < 0 ? -1 : Math.max(0, expected - received);
    }

    /** {@link #lost()} as a percentage of {@link #expected()}. */
    public double lostPercent() {
        return received < 0 || expected == 0 ? 0 : 100.0 * lost() / expected;
    }

    private static double perSecond(long n, long nanos) {
        return nanos <= 0 ? 0 : n * 1e9 / nanos;
    }
}
