package org.dualchat.redis;

import io.lettuce.core.ScriptOutputType;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BooleanSupplier;
import java.util.function.Function;
import org.dualchat.netty.common.RelayGate;
import org.dualchat.netty.room.LocalRoom;
import org.dualchat.netty.room.Member;
import org.dualchat.netty.room.RelayRun;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Private lines ({@code /msg}) to members of other nodes: each is an entry of the room's stream ({@code k=msg},
 * the node and member it is for, its nick, the line) that only that node reads as such, telling it to that
 * member alone, in its place among the room's lines; every other node skips it, and no node prints it, relays
 * it or keeps it as history. Anyone who can read the room's keys in Redis can read it too.
 */
final class PrivateLines {

    private static final Logger logger = LoggerFactory.getLogger(PrivateLines.class);
    /** The kind ({@code k}) of a stream entry that is a private line. */
    static final String KIND = "msg";

    /**
     * Finds who holds the nick ({@code node|id} in the nicks hash) and its label (its node's members), and adds the
     * entry for that node; nothing if no one holds it, or a member of the sending node does. The label, or nil.
     */
    private static final String SEND = """
            local owner = redis.call('hget', KEYS[1], ARGV[1])
            if not owner then return false end
            local bar = string.find(owner, '|[^|]*$')
            if not bar then return false end
            local node = string.sub(owner, 1, bar - 1)
            local id = string.sub(owner, bar + 1)
            if node == ARGV[4] then return false end
            local label = redis.call('hget', ARGV[2] .. node, id)
            if not label then return false end
            redis.call('xadd', KEYS[2], 'MAXLEN', '~', ARGV[3], '*', 'k', 'msg', 'node', ARGV[4], 'to', node,
                'id', id, 'nick', ARGV[5], 'line', ARGV[6])
            return label
            """;

    private final String node;
    private final RedisOptions options;
    private final StreamWriter writer;
    private final RelayGate gate;
    private final LocalRoom local;
    private final Function<Member, String> ids;
    private final BooleanSupplier closed;

    /**
     * @param gate this node's gate for senders (its relay budget and its writes to Redis)
     * @param ids this node's members' ids in the room's presence
     */
    PrivateLines(RedisOptions options, StreamWriter writer, RelayGate gate, LocalRoom local,
            Function<Member, String> ids, BooleanSupplier closed) {
        this.options = options;
        this.node = options.node();
        this.writer = writer;
        this.gate = gate;
        this.local = local;
        this.ids = ids;
        this.closed = closed;
    }

    /**
     * Sends {@code line} to the member of another node called {@code nick}, in one script run in Redis: who holds
     * the nick (the room's nicks, then its node's members) and, if someone on another node does, the entry. The
     * script is pipelined after this node's earlier writes, so the line keeps its place among the sender's lines.
     * Completes with the receiver's label once Redis took the line; {@code null} if no one in the room (or only
     * someone of this node) is called so; a {@link RejectedExecutionException} while this node's relays or its
     * writes to Redis wait (as a local private line is refused while the budget is spent); another error if Redis
     * cannot take it. Called on the sender's event loop; never blocks.
     */
    CompletionStage<String> send(String nick, String line) {
        if (!gate.isOpen()) {
            return CompletableFuture.failedFuture(new RejectedExecutionException("the room is busy"));
        }
        String[] keys = {options.key("nicks"), options.streamKey()};
        String[] args = {nick.toLowerCase(Locale.ROOT), options.key("who:"), Long.toString(options.maxlen()), node,
                nick, line};
        CompletableFuture<String> sent = new CompletableFuture<>();
        if (!writer.writeOther(redis -> redis.<String>eval(SEND, ScriptOutputType.VALUE, keys, args),
                sent::complete, sent::completeExceptionally)) {
            sent.completeExceptionally(new IllegalStateException("Redis cannot take it now"));
        }
        return sent;
    }

    /**
     * An entry read from the stream: if it is a private line for a member of this node, it is told to that member
     * alone, after what {@code run} holds so far (sent on first), once the relay budget lets it.
     *
     * @return whether the entry was a private line (for this node or another)
     */
    boolean take(Map<String, String> entry, RelayRun run) {
        if (!KIND.equals(entry.get("k"))) {
            return false;
        }
        if (!node.equals(entry.get("to"))) {
            return true;
        }
        String nick = entry.get("nick");
        String line = entry.get("line");
        Member to = nick == null ? null : local.byNick(nick);
        if (to == null || line == null || !String.valueOf(ids.apply(to)).equals(entry.get("id"))) {
            logger.debug("A private line for {}, no longer here, was dropped", nick);
            return true;
        }
        run.close();
        ReaderWaits.untilOpen(local.gate(), closed, () -> { });
        if (!to.tell(line)) {
            logger.debug("A private line for {} could not be told: it left, or the room is closing", nick);
        }
        return true;
    }
}
