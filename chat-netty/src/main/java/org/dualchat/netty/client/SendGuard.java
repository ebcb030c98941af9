package org.dualchat.netty.client;

import java.io.IOException;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Keeps {@code close()} from stopping the event loop under a thread that is still handing it a write:
 * the session may end from the network side (a Bye, a closed connection) while the input thread sends.
 */
final class SendGuard {

    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean closed;

    /** Called before a send; a matching {@link #exit()} must follow in {@code finally}. */
    void enter() throws IOException {
        inFlight.incrementAndGet();
        if (closed) {
            inFlight.decrementAndGet();
            throw new IOException("closed");
        }
    }

    void exit() {
        inFlight.decrementAndGet();
    }

    /** Refuses new sends and waits up to {@code timeout} for those under way. */
    void close(Duration timeout) throws InterruptedException {
        closed = true;
        long deadline = System.nanoTime() + timeout.toNanos();
        while (inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
            Thread.sleep(1);
        }
    }
}
