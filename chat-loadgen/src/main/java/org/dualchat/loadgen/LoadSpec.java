package org.dualchat.loadgen;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.dualchat.netty.common.TransportType;

/**
 * What one bench run sends: where to, how fast, how much, and for how long at most. Every run is
 * bounded twice: it stops after {@code count} messages or after {@code maxDuration}, whichever comes
 * first.
 *
 * <pre>{@code
 * LoadSpec spec = new LoadSpec("127.0.0.1", 1234, 0, 64, 1, 1_000_000, Duration.ofSeconds(10),
 *         TransportType.AUTO, 0);
 * }</pre>
 *
 * @param host the server: a name or an IP literal
 * @param port the server's port
 * @param rate messages per second, all senders together; 0 for as fast as possible
 * @param size bytes of text per message; the newline that ends it comes on top
 * @param connections the number of senders (UDP sockets or TCP connections)
 * @param count the number of messages to send, all senders together
 * @param maxDuration the longest time to send for
 * @param transport the Netty transport of the sending side
 * @param batch UDP: datagrams per flush (one sendmmsg); TCP: lines per write; 0 for the default
 */
public record LoadSpec(String host, int port, long rate, int size, int connections, long count,
        Duration maxDuration, TransportType transport, int batch) {

    /** The longest a run may send for, whatever is asked. */
    public static final Duration MAX_DURATION = Duration.ofMinutes(10);
    /** The most senders one run opens. */
    public static final int MAX_CONNECTIONS = 10_000;

    public LoadSpec {
        requireNonNull(host, "host");
        requireNonNull(maxDuration, "maxDuration");
        requireNonNull(transport, "transport");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        if (rate < 0) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: >= 0)");
        }
        if (size < 1) {
            throw new IllegalArgumentException("size: " + size + " (expected: >= 1)");
        }
        if (connections < 1 || connections > MAX_CONNECTIONS) {
            throw new IllegalArgumentException(
                    "connections: " + connections + " (expected: 1-" + MAX_CONNECTIONS + ")");
        }
        if (count < connections) {
            throw new IllegalArgumentException(
                    "count: " + count + " (expected: at least one message per sender, >= " + connections + ")");
        }
        if (maxDuration.isNegative() || maxDuration.isZero() || maxDuration.compareTo(MAX_DURATION) > 0) {
            throw new IllegalArgumentException("maxDuration: " + maxDuration + " (expected: 0-" + MAX_DURATION + ")");
        }
        if (batch < 0) {
            throw new IllegalArgumentException("batch: " + batch + " (expected: >= 0)");
        }
    }

    /** The messages sender {@code index} sends: the count split as evenly as it goes. */
    long quota(int index) {
        return count / connections + (index < count % connections ? 1 : 0);
    }

    /** Messages per nanosecond for one sender; 0 for as fast as possible. */
    double perSenderPerNano() {
        return rate == 0 ? 0 : rate / (double) connections / 1e9;
    }
}
