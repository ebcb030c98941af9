package org.dualchat.netty.client;

import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import java.nio.channels.ClosedChannelException;
import java.security.cert.CertificateException;
import org.dualchat.netty.common.Reasons;

/** Says in a few words why a TLS handshake with the server failed; the JDK's own messages run to many lines. */
final class TlsFailure {

    private TlsFailure() {}

    static String describe(Throwable cause) {
        if (cause instanceof NotSslRecordException) {
            return "the server does not speak TLS on this port";
        }
        if (cause instanceof SslHandshakeTimeoutException) {
            return "no answer in time";
        }
        if (cause instanceof ClosedChannelException) {
            return "the server closed the connection";
        }
        String innermost = Reasons.of(cause);
        return find(cause, CertificateException.class) ? "the server's certificate was refused: " + innermost : innermost;
    }

    static boolean find(Throwable cause, Class<? extends Throwable> type) {
        for (Throwable t = cause; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
