package org.dualchat.redis;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.common.RelayGate;

/**
 * The waits of the stream's reader thread (never an event loop): for room in the sink, and for the node's
 * relay budget. Each wait ends when the room closes.
 */
final class ReaderWaits {

    /** How often a wait for the budget looks at whether the room closed, and reports itself. */
    static final long TICK_MILLIS = 200;

    private ReaderWaits() {
    }

    /** Prints {@code message}, waiting while the sink is full. */
    static void print(MessageSink sink, ChatMessage message, BooleanSupplier closed) {
        while (!sink.offer(message) && !closed.getAsBoolean()) {
            CountDownLatch ready = new CountDownLatch(1);
            sink.whenReady(ready::countDown);
            if (!await(ready, 1000)) {
                return;
            }
        }
    }

    /**
     * Returns once {@code gate} is open, or the room closes; runs {@code waiting} every {@link #TICK_MILLIS}
     * while it waits (the reader's lag goes on growing while it waits).
     */
    static void untilOpen(RelayGate gate, BooleanSupplier closed, Runnable waiting) {
        if (gate.isOpen()) {
            return;
        }
        CountDownLatch open = new CountDownLatch(1);
        gate.whenOpen(open::countDown);
        while (!closed.getAsBoolean() && open.getCount() > 0) {
            if (!await(open, TICK_MILLIS)) {
                return;
            }
            waiting.run();
        }
    }

    /** Waits up to {@code millis}; {@code false} if interrupted (the interrupt kept). */
    private static boolean await(CountDownLatch latch, long millis) {
        try {
            latch.await(millis, TimeUnit.MILLISECONDS);
            return true;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }
}
