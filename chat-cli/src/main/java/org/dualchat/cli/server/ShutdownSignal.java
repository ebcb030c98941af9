package org.dualchat.cli.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns Ctrl-C and SIGTERM into an orderly stop that ends with exit code 0. A JVM shutdown hook would
 * run the same drain, but the process would then exit with 130 or 143, which reads as a failure to
 * service managers and scripts. A second signal while stopping exits at once.
 */
final class ShutdownSignal {

    private static final Logger logger = LoggerFactory.getLogger(ShutdownSignal.class);

    private final CountDownLatch requested = new CountDownLatch(1);
    private final AtomicBoolean stopping = new AtomicBoolean();

    static ShutdownSignal install() {
        ShutdownSignal signal = new ShutdownSignal();
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), s -> signal.onSignal(s.getName()));
            } catch (IllegalArgumentException e) {
                // The JVM keeps the signal for itself (-Xrs, for one): a shutdown hook still stops us cleanly.
                logger.debug("Cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        return signal;
    }

    private void onSignal(String name) {
        if (stopping.compareAndSet(false, true)) {
            logger.info("SIG{} received: stopping, printing what was received", name);
            requested.countDown();
        } else {
            logger.warn("SIG{} received again: exiting now", name);
            Runtime.getRuntime().halt(130);
        }
    }

    /** Ctrl-C at the console's line editor, which takes the key itself rather than raising SIGINT. */
    void interruptedAtConsole() {
        onSignal("INT");
    }

    void await() throws InterruptedException {
        requested.await();
    }
}
