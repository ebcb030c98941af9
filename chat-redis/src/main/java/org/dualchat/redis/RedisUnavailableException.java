package org.dualchat.redis;

import java.io.IOException;

/** The node could not join the room at start: Redis unreachable, a wrong password, a refused TLS handshake. */
public final class RedisUnavailableException extends IOException {

    private static final long serialVersionUID = 1L;

    RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
