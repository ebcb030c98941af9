package org.dualchat.netty.tls;

import io.netty.channel.Channel;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.stats.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.dualchat.netty.common.Reasons;

/**
 * Counts TLS handshakes that failed, and reports them as at most one log line per interval, naming the
 * last one: a scanner or a plain-text client on the TLS port must not turn into a flood of log lines.
 */
public final class HandshakeFailures {

    private static final Logger logger = LoggerFactory.getLogger(HandshakeFailures.class);

    /** Long enough for any JDK handshake message, short enough for one log line. */
    private static final int MAX_REASON = 160;

    private final ServerStats stats;
    private volatile String last;
    private long reported;

    public HandshakeFailures(ServerStats stats) {
        this.stats = stats;
    }

    /** Counts one failure of {@code channel}'s handshake; called on its event loop. */
    void record(Channel channel, Throwable cause) {
        String reason = reason(cause);
        stats.tlsHandshakeFailed();
        last = Addresses.printable(channel.remoteAddress()) + ": " + reason;
        logger.debug("{} TLS handshake failed: {}", channel, reason);
    }

    long total() {
        return stats.tlsHandshakeFailures();
    }

    /** Logs the failures since the last report, if any. */
    public synchronized void report() {
        long now = total();
        long recent = now - reported;
        if (recent > 0) {
            reported = now;
            logger.info("{} TLS handshake{} failed since the last report ({} in all; the last from {})",
                    recent, recent == 1 ? "" : "s", now, last);
        }
    }

    /** What went wrong, in words an operator can act on. */
    static String reason(Throwable cause) {
        if (cause instanceof NotSslRecordException) {
            // Netty's message is a hex dump of everything the client sent.
            return "not TLS (a plain TCP client on the TLS port?)";
        }
        if (cause instanceof SslHandshakeTimeoutException) {
            return "no handshake within " + ServerTls.HANDSHAKE_TIMEOUT_MILLIS / 1000 + " s";
        }
        if (cause instanceof ClosedChannelException) {
            return "closed by the client before the handshake ended";
        }
        String message = Reasons.of(cause);
        return message.length() > MAX_REASON ? message.substring(0, MAX_REASON) + "..." : message;
    }
}
