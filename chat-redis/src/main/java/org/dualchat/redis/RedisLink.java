package org.dualchat.redis;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.Delay;
import io.lettuce.core.resource.DefaultClientResources;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * The node's connections to Redis, through Lettuce on threads of its own (never the server's event loops):
 * one for writing ({@code XADD}, pipelined) and one for the blocking read. Lettuce reconnects by itself, with
 * backoff; while it is disconnected, commands fail at once instead of queueing.
 */
final class RedisLink implements AutoCloseable {

    private final RedisURI uri;
    private final ClientResources resources;
    private final RedisClient client;
    private StatefulRedisConnection<String, String> writer;
    private StatefulRedisConnection<String, String> reader;

    private RedisLink(RedisURI uri, RedisOptions options) {
        this.uri = uri;
        this.resources = DefaultClientResources.builder().ioThreadPoolSize(2).computationThreadPoolSize(2)
                .reconnectDelay(Delay.exponential(Duration.ofMillis(100), Duration.ofSeconds(5), 2,
                        TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources, uri);
        client.setOptions(ClientOptions.builder().autoReconnect(true)
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .requestQueueSize(Math.max(1024, options.maxInFlight() * 2))
                .build());
    }

    /**
     * Parses the URI the way {@code --redis} takes it.
     *
     * @throws IllegalArgumentException with a one-line reason if it is not a Redis URI
     */
    static RedisURI parse(String text, Duration timeout) {
        RedisURI uri;
        try {
            uri = RedisURI.create(text);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("not a Redis URI (redis://[password@]host:port[/db],"
                    + " rediss:// for TLS): " + e.getMessage(), e);
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new IllegalArgumentException("not a Redis URI: no host (redis://[password@]host:port[/db])");
        }
        uri.setTimeout(timeout);
        return uri;
    }

    /** Connects both connections, or says in one line why not. */
    static RedisLink open(RedisOptions options) throws RedisUnavailableException {
        RedisLink link = new RedisLink(parse(options.uri(), options.timeout()), options);
        try {
            // Named, so that CLIENT LIST tells which node and which connection: dualchat:NODE:writer.
            link.writer = link.client.connect(StringCodec.UTF8, link.named(options, "writer"));
            link.reader = link.client.connect(StringCodec.UTF8, link.named(options, "reader"));
            link.writer.sync().ping();
            return link;
        } catch (RuntimeException e) {
            link.close();
            throw new RedisUnavailableException("Redis at " + link.where() + ": " + reason(e), e);
        }
    }

    private RedisURI named(RedisOptions options, String role) {
        return RedisURI.builder(uri).withClientName("dualchat:" + options.node() + ":" + role).build();
    }

    StatefulRedisConnection<String, String> writer() {
        return writer;
    }

    StatefulRedisConnection<String, String> reader() {
        return reader;
    }

    /** {@code host:port}, and whether TLS: never the password. */
    String where() {
        return uri.getHost() + ":" + uri.getPort() + (uri.isSsl() ? " (TLS)" : "");
    }

    /** The innermost reason, in a few words: {@code Connection refused}, {@code WRONGPASS ...}. */
    static String reason(Throwable e) {
        Throwable cause = e;
        while (cause.getCause() != null && cause.getCause() != cause
                && (cause instanceof RedisConnectionException || cause.getMessage() == null
                        || cause.getCause() instanceof RedisCommandExecutionException)) {
            cause = cause.getCause();
        }
        String message = cause.getMessage();
        if (message == null || message.isBlank()) {
            message = cause.getClass().getSimpleName();
        }
        int newline = message.indexOf('\n');
        return newline < 0 ? message : message.substring(0, newline);
    }

    /** Closes both connections and Lettuce's threads. */
    @Override
    public void close() {
        client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        resources.shutdown(0, 2, TimeUnit.SECONDS);
    }
}
