package org.dualchat.redis;

import io.lettuce.core.LettuceFutures;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.IntSupplier;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Who is in the room across nodes, kept in Redis beside the room's stream: each node's members in a hash of
 * its own ({@code who:NODE}), the nicks in one hash keyed by the lower-case nick ({@code nicks}, claimed with
 * {@code HSETNX}, so two nodes claiming one nick at once cannot both win), and a heartbeat key per node
 * ({@code alive:NODE}, {@link #TTL}, refreshed every {@link #BEAT}). Joins, leaves and nick changes go through
 * the stream as entries of their own ({@code k} = join, leave, nick, gone), so every node tells them in the
 * room's one order.
 *
 * <p>When a node's heartbeat lapses, the first surviving node to win {@code SET reaped:NODE NX} announces its
 * members as gone (one {@code gone} entry each, told once by every node), frees its nicks and forgets it. Every
 * command is asynchronous: nothing here blocks an event loop. The other nodes' members are cached here, from
 * the stream's entries and a full reread at each beat, so {@code /who} answers at once.
 */
final class RedisPresence implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(RedisPresence.class);

    /** How long a node's heartbeat lives: a node silent this long is gone. */
    static final Duration TTL = Duration.ofSeconds(5);
    /** How often a node refreshes its heartbeat and looks for nodes that are gone. */
    static final Duration BEAT = Duration.ofMillis(1500);
    /** Above this many in the room, joins and leaves of other nodes are told in one line per {@link #SUMMARY}. */
    static final int SUMMARY_THRESHOLD = 100;
    static final Duration SUMMARY = Duration.ofSeconds(5);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(1);
    private static final String RELEASE = "if redis.call('hget', KEYS[1], ARGV[1]) == ARGV[2] then "
            + "return redis.call('hdel', KEYS[1], ARGV[1]) end return 0";

    private final RedisAsyncCommands<String, String> redis;
    private final RedisOptions options;
    private final String node;
    private final IntSupplier localSize;
    private final XAddArgs trim;
    private final ScheduledExecutorService timer;
    /** The other nodes' members: node, member id, label. */
    private final Map<String, Map<String, String>> remote = new ConcurrentHashMap<>();
    private final AtomicInteger joinedSince = new AtomicInteger();
    private final AtomicInteger leftSince = new AtomicInteger();
    private volatile Consumer<String> notices = text -> { };
    private volatile Supplier<Map<String, String>> here = Map::of;
    private volatile Supplier<Map<String, String>> nicksHere = Map::of;
    private volatile boolean listed;

    RedisPresence(RedisLink link, RedisOptions options, IntSupplier localSize) {
        this.redis = link.writer().async();
        this.options = options;
        this.node = options.node();
        this.localSize = localSize;
        this.trim = XAddArgs.Builder.maxlen(options.maxlen()).approximateTrimming();
        this.timer = Executors.newSingleThreadScheduledExecutor(task -> {
            Thread thread = new Thread(task, "dualchat-redis-presence");
            thread.setDaemon(true);
            return thread;
        });
    }

    /**
     * Registers this node and starts its heartbeat.
     *
     * @param notices tells this node's clients a line
     * @param members this node's members now, by id: their labels
     * @param nicks this node's members that have a nick, by id: their nicks
     */
    void start(Consumer<String> notices, Supplier<Map<String, String>> members, Supplier<Map<String, String>> nicks) {
        this.notices = notices;
        this.here = members;
        this.nicksHere = nicks;
        beat();
        timer.scheduleWithFixedDelay(this::beat, BEAT.toMillis(), BEAT.toMillis(), TimeUnit.MILLISECONDS);
        timer.scheduleWithFixedDelay(this::summarize, SUMMARY.toMillis(), SUMMARY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** This node's part of the room is gone with it: its heartbeat, its members, its place among the nodes. */
    @Override
    public void close() {
        timer.shutdownNow();
        try {
            RedisFuture<?> del = redis.del(options.key("alive:" + node), options.key("who:" + node));
            RedisFuture<?> srem = redis.srem(options.key("nodes"), node);
            // Off the event loops (the server's stop): a short wait, so the keys go before the connection does.
            LettuceFutures.awaitAll(CLOSE_WAIT, del, srem);
        } catch (RuntimeException e) {
            // Redis is down or slow as this node stops: the other nodes reap its members once its heartbeat expires.
            logger.info("Could not remove this node from the room's presence ({}); the other nodes will once its"
                    + " heartbeat expires", RedisLink.reason(e));
        }
    }

    /** The labels of the other nodes' members, as last known. */
    List<String> remoteLabels() {
        List<String> labels = new ArrayList<>();
        for (Map<String, String> members : remote.values()) {
            labels.addAll(members.values());
        }
        return labels;
    }

    /** Everyone in the room, as last known here. */
    int roomSize() {
        int size = localSize.getAsInt();
        for (Map<String, String> members : remote.values()) {
            size += members.size();
        }
        return size;
    }

    void joined(String id, String label) {
        redis.hset(options.key("who:" + node), id, label);
        announce("join", node, label, null);
    }

    void left(String id, String label, String reason, String nick) {
        redis.hdel(options.key("who:" + node), id);
        if (nick != null) {
            release(nick, id);
        }
        announce("leave", node, label, reason);
    }

    void renamed(String id, String before, String label, String nick) {
        redis.hset(options.key("who:" + node), id, label);
        Map<String, String> entry = entry("nick", node, before);
        entry.put("to", nick);
        redis.xadd(options.streamKey(), trim, entry);
    }

    /** Claims {@code nick} for member {@code id} in the whole room: whether it is now this member's. */
    CompletionStage<Boolean> claim(String nick, String id) {
        String key = nick.toLowerCase(java.util.Locale.ROOT);
        String owner = node + "|" + id;
        return redis.hsetnx(options.key("nicks"), key, owner).thenCompose(won -> won
                ? CompletableFuture.completedFuture(true)
                : redis.hget(options.key("nicks"), key).thenApply(owner::equals));
    }

    /** Gives {@code nick} back, if member {@code id} still holds it. */
    void release(String nick, String id) {
        redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {options.key("nicks")},
                nick.toLowerCase(java.util.Locale.ROOT), node + "|" + id);
    }

    /**
     * A presence entry read from the stream: tells it to this node's clients (another node's, or a gone node's
     * members) and keeps the cache of who is where.
     *
     * @return whether the entry was a presence entry
     */
    boolean take(Map<String, String> fields, Consumer<String> tell) {
        String kind = fields.get("k");
        String from = fields.get("node");
        String label = fields.get("label");
        if (kind == null || from == null || label == null) {
            return false;
        }
        if (from.equals(node)) {
            return true; // told here already, by the local room
        }
        Map<String, String> members = remote.computeIfAbsent(from, n -> new ConcurrentHashMap<>());
        String why = fields.get("why");
        String text;
        switch (kind) {
            case "join" -> {
                members.put(label, label);
                text = "* " + label + " joined";
            }
            case "leave" -> {
                members.values().remove(label);
                text = "* " + label + " left" + (why == null ? "" : " (" + why + ")");
            }
            case "gone" -> {
                members.values().remove(label);
                text = "* " + label + " left (its node " + from + " is gone)";
            }
            case "nick" -> {
                String to = fields.get("to");
                int at = label.indexOf('@');
                String after = to + "@" + (at >= 0 ? label.substring(at + 1) : label);
                members.values().remove(label);
                members.put(after, after);
                tell.accept("* " + label + " is now " + to);
                return true;
            }
            default -> {
                return true;
            }
        }
        if (roomSize() > SUMMARY_THRESHOLD) {
            ("join".equals(kind) ? joinedSince : leftSince).incrementAndGet();
        } else {
            tell.accept(text);
        }
        return true;
    }

    private void announce(String kind, String of, String label, String reason) {
        Map<String, String> entry = entry(kind, of, label);
        if (reason != null && !reason.isEmpty()) {
            entry.put("why", reason);
        }
        redis.xadd(options.streamKey(), trim, entry);
    }

    private static Map<String, String> entry(String kind, String of, String label) {
        Map<String, String> entry = new LinkedHashMap<>();
        entry.put("k", kind);
        entry.put("node", of);
        entry.put("label", label);
        return entry;
    }

    /**
     * Refreshes this node's heartbeat, rereads who is on the other nodes, and reaps those whose heartbeat lapsed.
     * The heartbeat goes before the node is listed (one connection, so in that order): a node is never seen
     * listed without it.
     */
    private void beat() {
        redis.set(options.key("alive:" + node), "1", SetArgs.Builder.px(TTL.toMillis()));
        redis.sadd(options.key("nodes"), node).thenAccept(added -> {
            if (added > 0 && listed) {
                // Taken for gone (no heartbeat for a whole TTL: a pause, a cut): list this node's members again.
                logger.warn("This node was not listed in the room any more (no heartbeat for {} s, or Redis lost its"
                        + " data); listing it and its members again", TTL.toSeconds());
                relist();
            }
            listed = true;
        });
        redis.smembers(options.key("nodes")).thenAccept(nodes -> {
            remote.keySet().retainAll(nodes);
            for (String other : nodes) {
                if (other.equals(node)) {
                    continue;
                }
                redis.exists(options.key("alive:" + other)).thenAccept(alive -> {
                    if (alive > 0) {
                        redis.hgetall(options.key("who:" + other)).thenAccept(members ->
                                remote.put(other, new ConcurrentHashMap<>(invert(members))));
                    } else {
                        reap(other);
                    }
                });
            }
        }).exceptionally(error -> {
            logger.debug("presence beat failed: {}", error.toString());
            return null;
        });
    }

    /**
     * Lists this node's members again, and claims their nicks again, after Redis forgot them (it lost its data, or
     * the others took this node for gone): {@code /who} is complete again on every node, and nick uniqueness holds
     * again. A nick another node's member took meanwhile stays that member's; this node's holder is logged.
     */
    private void relist() {
        Map<String, String> members = here.get();
        if (!members.isEmpty()) {
            redis.hset(options.key("who:" + node), members);
        }
        nicksHere.get().forEach((id, nick) -> claim(nick, id).thenAccept(won -> {
            if (!won) {
                logger.warn("The nick {} was taken on another node while Redis had forgotten this node: two members"
                        + " hold it until one changes it", nick);
            }
        }));
    }

    /** Labels by label, as the cache keeps them (a member's id is its node's business). */
    private static Map<String, String> invert(Map<String, String> members) {
        Map<String, String> labels = new LinkedHashMap<>();
        for (String label : members.values()) {
            labels.put(label, label);
        }
        return labels;
    }

    /** Announces a gone node's members once, room-wide: only the node that wins the reap key does. */
    private void reap(String gone) {
        redis.set(options.key("reaped:" + gone), node, SetArgs.Builder.nx().px(60_000)).thenAccept(won -> {
            if (!"OK".equals(won)) {
                return;
            }
            redis.hgetall(options.key("who:" + gone)).thenAccept(members -> {
                logger.info("Node {} is gone (no heartbeat for {} s): {} members left with it", gone,
                        TTL.toSeconds(), members.size());
                for (String label : members.values()) {
                    redis.xadd(options.streamKey(), trim, entry("gone", gone, label));
                }
                redis.hgetall(options.key("nicks")).thenAccept(nicks -> nicks.forEach((nick, owner) -> {
                    if (owner.startsWith(gone + "|")) {
                        redis.eval(RELEASE, ScriptOutputType.INTEGER, new String[] {options.key("nicks")}, nick, owner);
                    }
                }));
                redis.del(options.key("who:" + gone));
                redis.srem(options.key("nodes"), gone);
            });
        });
    }

    /** In a large room, one line for the other nodes' joins and leaves of the last interval. */
    private void summarize() {
        int joined = joinedSince.getAndSet(0);
        int left = leftSince.getAndSet(0);
        if (joined + left > 0) {
            notices.accept("* " + joined + " joined and " + left + " left on other nodes in the last "
                    + SUMMARY.toSeconds() + " s; " + roomSize() + " here");
        }
    }
}
