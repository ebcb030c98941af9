package org.dualchat.redis;

import io.lettuce.core.StreamMessage;
import io.netty.channel.Channel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.common.RelayGate;
import org.dualchat.netty.room.ChatCommands;
import org.dualchat.netty.room.ChatRoom;
import org.dualchat.netty.room.LocalRoom;
import org.dualchat.netty.room.Member;
import org.dualchat.netty.room.RecentSources;
import org.dualchat.netty.room.RelayRun;
import org.dualchat.netty.room.RoomFactory;
import org.dualchat.netty.stats.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A room shared by several nodes through a Redis stream: each message this node accepts is appended to the
 * room's stream once, and every node reads the stream and relays it to its own clients through its
 * {@link LocalRoom}, which keeps the batching, the relay budget and the backpressure.
 *
 * <p>By default a node's own messages reach its own clients through the stream too, in the one order every
 * node reads, and the sender is left out as in the local room (it is known by the entry's node and sequence
 * number). With {@link RedisOptions#ownThroughStream()} off they are relayed at once, which saves a round trip
 * to Redis but lets two nodes' clients see concurrent messages in different orders. A message Redis cannot
 * take (down, or too many waiting) is relayed on this node only, and counted.
 */
public final class RedisRoom implements ChatRoom {

    private static final Logger logger = LoggerFactory.getLogger(RedisRoom.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);
    private static final Duration LOOP_WAIT = Duration.ofSeconds(1);

    private final RedisOptions options;
    private final LocalRoom local;
    private final ServerStats stats;
    private final MessageSink sink;
    /** Closed while the node's relay budget is spent or Redis lags behind this node's messages. */
    private final RelayGate gate = new RelayGate() {
        @Override
        public boolean isOpen() {
            return local.gate().isOpen() && (writer == null || writer.hasRoom());
        }

        @Override
        public void whenOpen(Runnable task) {
            // The sender checks the gate again when the task runs, and waits again if the other half closed it.
            if (local.gate().isOpen() && writer != null) {
                writer.whenRoom(task);
            } else {
                local.gate().whenOpen(task);
            }
        }
    };
    /** This node's members, and each one's id in the room's presence. */
    private final Map<Member, String> members = new ConcurrentHashMap<>();
    /** This node's messages sent to the stream and not read back yet (own-through-stream only). */
    private final OwnMessages own;
    private final AtomicLong memberIds = new AtomicLong();
    private RedisPresence presence;
    private PrivateLines privates;
    private RedisLink link;
    private RedisHealth health;
    private StreamWriter writer;
    private StreamReader reader;
    private volatile boolean closed;

    RedisRoom(RedisOptions options, LocalRoom local, ServerStats stats, MessageSink sink) {
        this.options = options;
        this.local = local;
        this.stats = stats;
        this.sink = sink;
        this.own = new OwnMessages(local::relay, members::containsKey);
    }

    /** What makes a server's room this one: {@code ChatServerConfig.builder().roomFactory(RedisRoom.factory(o))}. */
    public static RoomFactory factory(RedisOptions options) {
        return (local, stats, sink) -> new RedisRoom(options, local, stats, sink);
    }

    /** The options this room was made with. */
    public RedisOptions options() {
        return options;
    }

    /** The in-process room that fans out to this node's clients. */
    public LocalRoom local() {
        return local;
    }

    @Override
    public void start() throws IOException {
        link = RedisLink.open(options);
        health = new RedisHealth(link.where());
        writer = new StreamWriter(link, options, stats, health);
        reader = new StreamReader(link, options, stats, health, this::deliver);
        presence = new RedisPresence(link, options, local::size);
        privates = new PrivateLines(options, writer, gate, local, members::get, () -> closed);
        try {
            presence.start(this::tellHere, this::memberLabels, this::memberNicks);
            reader.start(local.historySize(), this::remember);
        } catch (RuntimeException e) {
            link.close();
            throw new RedisUnavailableException("Redis at " + link.where() + ": " + RedisLink.reason(e), e);
        }
        logger.info("In room {} through Redis at {} as node {} (stream {}, about {} kept, own messages {})",
                options.room(), link.where(), options.node(), options.streamKey(), options.maxlen(),
                options.ownThroughStream() ? "through the stream" : "relayed at once");
    }

    /** Hands on what Redis has not answered yet (bounded wait), stops reading, closes the connections. */
    @Override
    public void close() {
        if (closed || link == null) {
            return;
        }
        closed = true;
        try {
            if (!writer.drain(CLOSE_WAIT)) {
                logger.warn("{} messages were not acknowledged by Redis within {} s", writer.inFlight(),
                        CLOSE_WAIT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        reader.stop();
        presence.close();
        link.close();
    }

    /** This node's members by their ids in the room's presence: their labels. */
    private Map<String, String> memberLabels() {
        Map<String, String> labels = new java.util.HashMap<>();
        members.forEach((member, id) -> labels.put(id, member.label()));
        return labels;
    }

    /** This node's members that have a nick, by their ids in the room's presence: their nicks. */
    private Map<String, String> memberNicks() {
        Map<String, String> nicks = new java.util.HashMap<>();
        members.forEach((member, id) -> {
            String nick = member.nick();
            if (nick != null) {
                nicks.put(id, nick);
            }
        });
        return nicks;
    }

    /** A line from the server to this node's clients, from any thread. */
    private void tellHere(String text) {
        try (RelayRun run = RelayRun.in(local)) {
            run.notice(text);
        }
    }

    /** The id of the last entry this node read from the stream; for tests. */
    public String lastId() {
        return reader == null ? null : reader.lastId();
    }

    /** How many paused senders wait until fewer of this node's messages wait for Redis; for tests. */
    int sendersWaitingForRedis() {
        return writer == null ? 0 : writer.waiting();
    }

    @Override
    public Member join(Channel channel) {
        Member member = local.join(channel);
        String id = Long.toString(memberIds.incrementAndGet());
        members.put(member, id);
        if (presence != null) {
            presence.joined(id, member.label());
        }
        return member;
    }

    @Override
    public void leave(Member member, String reason) {
        String id = members.remove(member);
        String label = member.label();
        local.leave(member, reason);
        if (presence != null && id != null) {
            presence.left(id, label, reason, member.nick());
        }
    }

    /** Within this node only; {@link #renameAsync} makes the nick unique across the room. */
    @Override
    public String rename(Member member, String nick) {
        return local.rename(member, nick);
    }

    /**
     * Checks the nick, then claims it in Redis ({@code HSETNX}, so two nodes cannot both get it), then takes it
     * here; the old nick is given back, and the change goes to the other nodes through the stream.
     */
    @Override
    public CompletionStage<String> renameAsync(Member member, String nick) {
        String problem = ChatCommands.checkNick(nick);
        String id = members.get(member);
        if (problem != null || presence == null || id == null) {
            return CompletableFuture.completedFuture(problem != null ? problem : local.rename(member, nick));
        }
        Member holder = local.byNick(nick);
        if (holder != null && holder != member) {
            return CompletableFuture.completedFuture("the nick " + nick + " is taken");
        }
        return presence.claim(nick, id).thenApply(won -> {
            if (!won) {
                return "the nick " + nick + " is taken";
            }
            String old = member.nick();
            String before = member.label();
            String refused = local.rename(member, nick);
            if (refused != null) {
                presence.release(nick, id);
                return refused;
            }
            if (old != null && !old.equalsIgnoreCase(nick)) {
                presence.release(old, id);
            }
            presence.renamed(id, before, member.label(), nick);
            return null;
        });
    }

    /** Everyone in the room: this node's members, and the other nodes' as last heard (within a heartbeat). */
    @Override
    public List<String> who() {
        if (presence == null) {
            return local.who();
        }
        List<String> labels = new ArrayList<>(local.who());
        labels.addAll(presence.remoteLabels());
        labels.sort(Comparator.naturalOrder());
        return labels;
    }

    @Override
    public Member byNick(String nick) {
        return local.byNick(nick);
    }

    /** See {@link PrivateLines#send}. */
    @Override
    public CompletionStage<String> tellElsewhere(String nick, String line) {
        if (privates == null || closed) {
            return CompletableFuture.completedFuture(null);
        }
        return privates.send(nick, line);
    }

    @Override
    public void commandTaken() {
        local.commandTaken();
    }

    @Override
    public void logLeavesThrough(Executor executor) {
        local.logLeavesThrough(executor);
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public void relay(ChatMessage message, Member sender, InetSocketAddress udpSender) {
        if (closed) {
            local.relay(message, sender, udpSender);
            return;
        }
        if (!options.ownThroughStream()) {
            local.relay(message, sender, udpSender);
            writer.write(new RoomEntry(message, options.node(), 0), id -> { }, error -> { });
            return;
        }
        if (own.size() >= options.maxInFlight()) {
            // This node reads the stream too slowly to wait for its own messages: relay them here at once,
            // and still share them (as with --redis-own local, so they are not relayed here twice).
            local.relay(message, sender, udpSender);
            writer.write(new RoomEntry(message, options.node(), 0), id -> { }, error -> { });
            return;
        }
        long number = own.add(message, sender, udpSender);
        if (!writer.write(new RoomEntry(message, options.node(), number), id -> own.added(number, id),
                error -> own.relayHere(number))) {
            own.relayHere(number);
        }
    }

    /**
     * The stream's last messages as this node starts, oldest first: its history, before any client is here (the
     * server listens only after {@link #start}), so the local room keeps them without relaying them.
     */
    private void remember(List<StreamMessage<String, String>> recent) {
        for (StreamMessage<String, String> item : recent) {
            RoomEntry entry = RoomEntry.of(item);
            if (entry != null) {
                local.relay(entry.message(), null, null);
            }
        }
    }

    /** A batch read from the stream: relayed to this node's clients as one run, printed with --print-room. */
    private void deliver(List<StreamMessage<String, String>> batch) {
        long fromOthers = 0;
        RelayRun run = RelayRun.in(local);
        own.beginRun(run::relay);
        try {
            for (StreamMessage<String, String> item : batch) {
                if (privates.take(item.getBody(), run) || presence.take(item.getBody(), run::notice)) {
                    continue;
                }
                RoomEntry entry = RoomEntry.of(item);
                if (entry == null) {
                    continue;
                }
                if (entry.node().equals(options.node())) {
                    own.readBack(entry.sequence());
                    continue;
                }
                fromOthers++;
                run.relay(entry.message(), null, null);
                if (options.printRoom()) {
                    print(entry.message());
                }
            }
        } finally {
            own.endRun(batch.get(batch.size() - 1).getId());
            run.close();
        }
        stats.roomReadFromOthers(fromOthers);
        long newest = RoomEntry.millisOf(batch.get(batch.size() - 1).getId());
        try {
            // Read on at the pace this node's event loops write out: what is not written waits in Redis.
            run.awaitWritten(LOOP_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        }
        awaitBudget(newest);
    }

    /** Prints a message another node received, waiting while the sink is full. */
    private void print(ChatMessage message) {
        ReaderWaits.print(sink, message, () -> closed);
    }

    /**
     * While this node's relays use up its budget, reads no further: its clients set its pace, not the others'.
     * Meanwhile its lag grows with the age of the newest entry it read, {@code newest} (ms since the epoch).
     */
    private void awaitBudget(long newest) {
        ReaderWaits.untilOpen(local.gate(), () -> closed,
                () -> stats.roomLag(Math.max(0, System.currentTimeMillis() - newest)));
    }

    @Override
    public RelayGate gate() {
        return gate;
    }

    @Override
    public void udpChannel(Channel channel) {
        local.udpChannel(channel);
    }

    @Override
    public RecentSources udpSources() {
        return local.udpSources();
    }
}
