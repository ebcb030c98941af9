package org.dualchat.netty.common;

import java.net.SocketException;
import java.util.regex.Pattern;

/**
 * Turns an exception into the one-line reason a user reads after "cannot connect to ...:" or "cannot read ...:":
 * {@code Connection refused}, {@code Address already in use}, {@code no such file}. The one helper for it, used
 * by the server, the clients, the TLS code and the load generators.
 */
public final class Reasons {

    /** Netty's native transport says "bind(..) failed: " or "connect(..) failed with error(-111): " first. */
    private static final Pattern NATIVE_CALL = Pattern.compile("^\\w+\\(\\.\\.\\) failed( with error\\(-?\\d+\\))?: ");
    /** How deep to look for the innermost cause, against cycles a cause chain should not have. */
    private static final int MAX_DEPTH = 32;

    private Reasons() {}

    /**
     * The reason: the innermost cause's message (libraries such as BouncyCastle and the JDK's TLS wrap the useful
     * one in layers of their own), else {@code failure}'s own, else the innermost cause's class name; its first
     * line only, without Netty's native call in front ({@code bind(..) failed: }) or the address Netty adds
     * behind a socket error ({@code : /127.0.0.1:2222}), which the caller names in its own words.
     */
    public static String of(Throwable failure) {
        Throwable innermost = failure;
        for (int depth = 0; depth < MAX_DEPTH && innermost.getCause() != null && innermost.getCause() != innermost;
                depth++) {
            innermost = innermost.getCause();
        }
        Throwable source = innermost;
        String message = innermost.getMessage();
        if (message == null || message.isBlank()) {
            source = failure;
            message = failure.getMessage();
        }
        if (message == null || message.isBlank()) {
            return innermost.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        message = (newline >= 0 ? message.substring(0, newline) : message).strip();
        message = NATIVE_CALL.matcher(message).replaceFirst("");
        int address = message.indexOf(": /");
        return source instanceof SocketException && address > 0 ? message.substring(0, address) : message;
    }
}
