package org.dualchat.netty.room;

import java.net.InetSocketAddress;
import org.dualchat.core.ChatMessage;

/**
 * Relays added one by one from one thread off the event loops, sent on together: one task per event loop
 * with members for the whole run (or each {@link Outbox#MAX_BATCH_BYTES}), not one per line. Made by
 * {@link LocalRoom#relayRun()}; used by one thread, then closed.
 */
public final class RelayRun implements AutoCloseable {

    private final LocalRoom room;
    private final Outbox outbox;

    RelayRun(LocalRoom room, Outbox outbox) {
        this.room = room;
        this.outbox = outbox;
    }

    /** As {@link LocalRoom#relay}: to everyone but {@code sender} and {@code udpSender}. */
    public void relay(ChatMessage message, Member sender, InetSocketAddress udpSender) {
        room.relay(message, sender, udpSender, outbox);
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
