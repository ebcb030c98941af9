package org.dualchat.netty.room;

import java.net.InetSocketAddress;
import org.dualchat.core.ChatMessage;

/**
 * Relays added one by one from one thread off the event loops, sent on together: one task per event loop
 * with members for the whole run (or each {@link Outbox#MAX_BATCH_BYTES}), not one per line; charged to
 * the relay budget as lines are added, like any relay. Used by one thread (a shared room's reader), then closed.
 */
public final class RelayRun implements AutoCloseable {

    private final LocalRoom room;
    private final Outbox outbox;

    private RelayRun(LocalRoom room) {
        this.room = room;
        this.outbox = new Outbox(room.budget());
    }

    /** A run of relays in {@code room}. */
    public static RelayRun in(LocalRoom room) {
        return new RelayRun(room);
    }

    /** As {@link LocalRoom#relay}: to everyone but {@code sender} and {@code udpSender}. */
    public void relay(ChatMessage message, Member sender, InetSocketAddress udpSender) {
        room.relay(message, sender, udpSender, outbox);
        if (outbox.isFull()) {
            room.fanOut(outbox.take());
        }
    }

    /** A line from the server itself (presence) to every client here. */
    public void notice(String text) {
        outbox.add(null, null, text, null, false);
        if (outbox.isFull()) {
            room.fanOut(outbox.take());
        }
    }

    /** Sends on what was added. */
    @Override
    public void close() {
        if (!outbox.isEmpty()) {
            room.fanOut(outbox.take());
        }
    }
}
