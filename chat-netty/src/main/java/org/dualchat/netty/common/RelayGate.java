package org.dualchat.netty.common;

/**
 * Says whether a sender may hand over more messages for relay now, and calls back once it may: the
 * room's relay budget, seen from the {@link SinkFeeder} that pauses a TCP client while it is closed.
 */
public interface RelayGate {

    /** A gate that never closes, for a server without a room. */
    RelayGate ALWAYS_OPEN = new RelayGate() {
        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void whenOpen(Runnable task) {
            task.run();
        }
    };

    /** Whether more may be handed over now. */
    boolean isOpen();

    /** Runs {@code task} once the gate is open, maybe at once, maybe on another thread; at most once. */
    void whenOpen(Runnable task);
}
