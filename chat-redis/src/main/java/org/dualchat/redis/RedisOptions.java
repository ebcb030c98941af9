package org.dualchat.redis;

import static java.util.Objects.requireNonNull;

import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Pattern;
import org.dualchat.netty.common.Checks;

/**
 * Where and how a node joins a room shared through Redis: the Redis URI (Lettuce's syntax), the room's name,
 * how long its stream may grow, this node's name, and the bounds of the writing and the reading. Immutable;
 * made by {@link #builder(String)}.
 */
public final class RedisOptions {

    /** The room joined when none is named. */
    public static final String DEFAULT_ROOM = "dualchat";
    /** How many messages the room's stream keeps (approximately: Redis trims whole nodes of its radix tree). */
    public static final long DEFAULT_MAXLEN = 100_000;
    /** The most messages handed to Redis and not yet acknowledged; past it a message is not shared (counted). */
    public static final int DEFAULT_MAX_IN_FLIGHT = 4096;
    /** The most messages one read of the stream returns. */
    public static final int DEFAULT_READ_COUNT = 512;
    /** How long one blocking read waits for a new message. */
    public static final Duration DEFAULT_READ_BLOCK = Duration.ofSeconds(1);
    /** How long connecting, and each command, may take. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(5);

    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9_.:@-]{1,64}");

    private final String uri;
    private final String room;
    private final long maxlen;
    private final String node;
    private final boolean printRoom;
    private final boolean ownThroughStream;
    private final int maxInFlight;
    private final int readCount;
    private final Duration readBlock;
    private final Duration timeout;

    private RedisOptions(Builder b) {
        this.uri = b.uri;
        this.room = b.room;
        this.maxlen = b.maxlen;
        this.node = b.node != null ? b.node : defaultNode();
        this.printRoom = b.printRoom;
        this.ownThroughStream = b.ownThroughStream;
        this.maxInFlight = b.maxInFlight;
        this.readCount = b.readCount;
        this.readBlock = b.readBlock;
        this.timeout = b.timeout;
    }

    /**
     * A builder for the room in the Redis at {@code uri} ({@code redis://[password@]host:port[/db]}).
     *
     * @throws IllegalArgumentException with a one-line reason if {@code uri} is not a Redis URI
     */
    public static Builder builder(String uri) {
        RedisLink.parse(uri, DEFAULT_TIMEOUT);
        return new Builder(uri);
    }

    /** The Redis URI, as given: it may hold a password, so never log it whole. */
    public String uri() {
        return uri;
    }

    /** The room's name: several rooms may share one Redis. */
    public String room() {
        return room;
    }

    /** The key of one of the room's Redis structures: {@code dualchat:ROOM:suffix}. */
    public String key(String suffix) {
        return "dualchat:" + room + ":" + suffix;
    }

    /** The key of the room's stream of messages. */
    public String streamKey() {
        return key("messages");
    }

    /** About how many messages the stream keeps ({@code XADD MAXLEN ~}). */
    public long maxlen() {
        return maxlen;
    }

    /** This node's name in the room, unique among the nodes. */
    public String node() {
        return node;
    }

    /** Whether this node prints what the other nodes received too (everything the room carries). */
    public boolean printRoom() {
        return printRoom;
    }

    /**
     * Whether this node's own messages reach its clients through the stream, in the one order every node
     * sees (the default), rather than at once and in this node's order.
     */
    public boolean ownThroughStream() {
        return ownThroughStream;
    }

    /** The most messages handed to Redis and not yet acknowledged. */
    public int maxInFlight() {
        return maxInFlight;
    }

    /** The most messages one read of the stream returns ({@code XREAD COUNT}). */
    public int readCount() {
        return readCount;
    }

    /** How long one blocking read waits ({@code XREAD BLOCK}). */
    public Duration readBlock() {
        return readBlock;
    }

    /** How long connecting, and each command but the blocking read, may take. */
    public Duration timeout() {
        return timeout;
    }

    private static String defaultNode() {
        String host = System.getenv().getOrDefault("HOSTNAME", "node");
        if (!NAME.matcher(host).matches()) {
            host = "node";
        }
        long pid = ManagementFactory.getRuntimeMXBean().getPid();
        return host + "-" + pid + "-" + Integer.toHexString(ThreadLocalRandom.current().nextInt(0x1000, 0x10000));
    }

    /** Builds {@link RedisOptions}, checking each value as it is set. */
    public static final class Builder {

        private final String uri;
        private String room = DEFAULT_ROOM;
        private long maxlen = DEFAULT_MAXLEN;
        private String node;
        private boolean printRoom;
        private boolean ownThroughStream = true;
        private int maxInFlight = DEFAULT_MAX_IN_FLIGHT;
        private int readCount = DEFAULT_READ_COUNT;
        private Duration readBlock = DEFAULT_READ_BLOCK;
        private Duration timeout = DEFAULT_TIMEOUT;

        private Builder(String uri) {
            this.uri = requireNonNull(uri, "uri");
        }

        /** The room's name: letters, digits and {@code _ . : @ -}, at most 64. */
        public Builder room(String room) {
            this.room = checkName("room", room);
            return this;
        }

        /** About how many messages the stream keeps; at least 100. */
        public Builder maxlen(long maxlen) {
            if (maxlen < 100) {
                throw new IllegalArgumentException("maxlen: " + maxlen + " (expected: >= 100)");
            }
            this.maxlen = maxlen;
            return this;
        }

        /** This node's name; by default the host's name, the process id and a random part. */
        public Builder node(String node) {
            this.node = checkName("node", node);
            return this;
        }

        /** Print what the other nodes received too. */
        public Builder printRoom(boolean printRoom) {
            this.printRoom = printRoom;
            return this;
        }

        /** Relay this node's own messages through the stream (one order) or at once (this node's order). */
        public Builder ownThroughStream(boolean ownThroughStream) {
            this.ownThroughStream = ownThroughStream;
            return this;
        }

        public Builder maxInFlight(int maxInFlight) {
            this.maxInFlight = Checks.atLeast("maxInFlight", maxInFlight, 1);
            return this;
        }

        public Builder readCount(int readCount) {
            this.readCount = Checks.atLeast("readCount", readCount, 1);
            return this;
        }

        public Builder readBlock(Duration readBlock) {
            this.readBlock = Checks.range("readBlock", readBlock, Duration.ofMillis(10), Duration.ofMinutes(1));
            return this;
        }

        public Builder timeout(Duration timeout) {
            this.timeout = Checks.range("timeout", timeout, Duration.ofMillis(100), Duration.ofMinutes(5));
            return this;
        }

        public RedisOptions build() {
            return new RedisOptions(this);
        }

        private static String checkName(String what, String name) {
            if (name == null || !NAME.matcher(name).matches()) {
                throw new IllegalArgumentException(what + ": " + name
                        + " (expected: 1 to 64 letters, digits or _ . : @ -)");
            }
            return name;
        }
    }
}
