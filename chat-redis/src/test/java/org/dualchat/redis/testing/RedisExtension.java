package org.dualchat.redis.testing;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real {@link RedisServer} for each test: started before it on a free port, stopped (by PID) and its
 * directory deleted after it. {@code @RegisterExtension final RedisExtension redis = new RedisExtension();}
 */
public final class RedisExtension implements BeforeEachCallback, AfterEachCallback {

    private final boolean persistent;
    private final String[] extra;
    private RedisServer server;

    /** A Redis that keeps nothing on disk. */
    public RedisExtension() {
        this(false);
    }

    /**
     * @param persistent keep an append-only file, so the data survives {@link RedisServer#restart()}
     * @param extra more {@code redis-server} arguments
     */
    public RedisExtension(boolean persistent, String... extra) {
        this.persistent = persistent;
        this.extra = extra;
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        server = new RedisServer(persistent, extra).start();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        if (server != null) {
            server.close();
            server = null;
        }
    }

    /** The running server. */
    public RedisServer server() {
        return server;
    }

    /** Its URI, {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return server.uri();
    }
}
