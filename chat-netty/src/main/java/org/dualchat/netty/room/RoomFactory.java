package org.dualchat.netty.room;

import org.dualchat.core.MessageSink;
import org.dualchat.netty.stats.ServerStats;

/**
 * Makes the server's room from the in-process one: {@link #LOCAL} keeps it as it is; a room shared by
 * several nodes (chat-redis) wraps it, so that chat-netty never depends on how rooms are shared.
 */
@FunctionalInterface
public interface RoomFactory {

    /** The room within this process alone: the default. */
    RoomFactory LOCAL = (local, stats, sink) -> local;

    /**
     * The room the server uses.
     *
     * @param local the in-process room, which fans out to this node's clients
     * @param stats the server's counts, for the room's own
     * @param sink where this server prints, for a room that prints what other nodes received
     */
    ChatRoom create(LocalRoom local, ServerStats stats, MessageSink sink);
}
