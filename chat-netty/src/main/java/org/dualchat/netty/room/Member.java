package org.dualchat.netty.room;

import io.netty.channel.Channel;
import java.net.SocketAddress;
import java.util.List;
import org.dualchat.netty.common.Addresses;

/**
 * One TCP client in the {@link ChatRoom}: who it is, and what it missed while it read too slowly. Its
 * relay state is touched only on its channel's event loop; its nick is read from any thread.
 */
public final class Member {

    final Channel channel;
    final String ip;
    final int port;
    private volatile String nick;

    // Event-loop-only state.
    public long missed;
    int stuckChecks;
    boolean unflushed;
    long lastPending;
    LoopShare share;
    // Whether the last look found it over its buffer with its socket full (see hasRoom), until it is writable
    // again. While every member but a line's sender is blocked, the room skips that line (BlockedMembers): each
    // member then counts what the room skipped meanwhile, less its own lines, as missed once it unblocks.
    boolean blocked;
    boolean left;
    long ownSkipped;
    private long skippedAtBlock;
    private long ownSkippedAtBlock;
    /** The number of the last batch its history held: batches up to it are not relayed to it again. */
    long historyBatch = -1;
    private List<String> history = List.of();

    Member(Channel channel) {
        this.channel = channel;
        SocketAddress remote = channel.remoteAddress();
        this.ip = Addresses.printable(remote);
        this.port = Addresses.port(remote);
    }

    /** The client's printable IP address ({@link Addresses#printable}). */
    public String ip() {
        return ip;
    }

    public String nick() {
        return nick;
    }

    public void nick(String nick) {
        this.nick = nick;
    }

    /** Keeps what this joiner is shown of the room's past; on its event loop, as it joins. */
    void history(History.Snapshot snapshot) {
        this.historyBatch = snapshot.lastBatch();
        this.history = snapshot.lines();
    }

    /**
     * The lines of history this joiner is to be shown, once, right after its greeting: live relays come
     * after them on its event loop. Empty if the room keeps no history or has none yet.
     */
    public List<String> takeHistory() {
        List<String> lines = history;
        history = List.of();
        return lines;
    }

    /** How others see this client in notices and {@code /who}: {@code alice@127.0.0.1:40312}, {@code [::1]:40312}. */
    public String label() {
        String address = ip.indexOf(':') >= 0 ? "[" + ip + "]:" + port : ip + ":" + port;
        String name = nick;
        return name == null ? address : name + "@" + address;
    }

    /**
     * Sends this client one line of its own ({@code /msg}), from any thread, through the room: batched with
     * the other private lines of the sender's round and charged to the room's relay budget; missed and
     * counted, as a relay is, if the client is over its outbound limit.
     *
     * @return whether it was sent: not if the client has left, or the room's relay budget is spent
     */
    public boolean tell(String text) {
        LoopShare here = share;
        return here != null && here.room().tell(this, text);
    }

    /**
     * Whether this active client can take {@code lines} more lines now; if its outbound buffer is over its
     * limit, they are missed and counted instead. Only the client's own event loop calls this.
     */
    boolean hasRoom(int lines) {
        if (!channel.isWritable()) {
            // Push what is pending to the socket first, so that only a client whose socket is full too
            // misses anything.
            channel.flush();
            if (!channel.isWritable()) {
                missed += lines;
                block();
                return false;
            }
        }
        writable();
        return true;
    }

    private void block() {
        if (!blocked && !left) {
            blocked = true;
            skippedAtBlock = share.room().blocked.blocked();
            ownSkippedAtBlock = ownSkipped;
        }
    }

    /**
     * Tells the room that this client's channel is writable again (on its event loop): relays are encoded for it
     * again, and the lines the room skipped while it was blocked, less its own, count as missed.
     */
    public void writable() {
        if (blocked) {
            blocked = false;
            missed += share.room().blocked.unblocked() - skippedAtBlock - (ownSkipped - ownSkippedAtBlock);
        }
    }
}
