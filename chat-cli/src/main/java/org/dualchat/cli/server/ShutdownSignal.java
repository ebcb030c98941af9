package org.dualchat.cli.server;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dualchat.cli.DualchatCli;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import sun.misc.Signal;

/**
 * Turns Ctrl-C and SIGTERM into an orderly stop that ends with exit code 0. A JVM shutdown hook would
 * run the same drain, but the process would then exit with 130 or 143, which reads as a failure to
 * service managers and scripts. Installed before any port listens, so that there is no moment at which a
 * signal kills the server with what it accepted unprinted.
 *
 * <p>A second signal while stopping cuts the shutdown grace short: connections are closed at once, what
 * was accepted is still printed, and the exit code is 128 + the signal's number (130, 143). If even that
 * takes longer than {@value #FORCED_STOP_SECONDS} s (an output that does not drain), or on a third
 * signal, the process halts.
 */
final class ShutdownSignal {

    private static final Logger logger = LoggerFactory.getLogger(ShutdownSignal.class);

    static final int FORCED_STOP_SECONDS = 5;

    private final CountDownLatch requested = new CountDownLatch(1);
    private final AtomicInteger received = new AtomicInteger();
    private final Runnable hurry;
    private volatile int exitCode = DualchatCli.OK;

    private ShutdownSignal(Runnable hurry) {
        this.hurry = hurry;
    }

    /** @param hurry what a second signal runs: ends the grace of a stop under way; must return at once */
    static ShutdownSignal install(Runnable hurry) {
        ShutdownSignal signal = new ShutdownSignal(hurry);
        for (String name : new String[] {"INT", "TERM"}) {
            try {
                Signal.handle(new Signal(name), s -> signal.onSignal(s.getName(), s.getNumber()));
            } catch (IllegalArgumentException e) {
                // The JVM keeps the signal for itself (-Xrs, for one): a shutdown hook still stops us cleanly.
                logger.debug("Cannot handle SIG{}: {}", name, e.getMessage());
            }
        }
        return signal;
    }

    private void onSignal(String name, int number) {
        int count = received.incrementAndGet();
        if (count == 1) {
            logger.info("SIG{} received: stopping, printing what was received (again to stop at once)", name);
            requested.countDown();
        } else if (count == 2) {
            exitCode = 128 + number;
            logger.warn("SIG{} received again: closing every connection now, printing what was accepted", name);
            requested.countDown();
            hurry.run();
            Thread watchdog = new Thread(() -> {
                try {
                    TimeUnit.SECONDS.sleep(FORCED_STOP_SECONDS);
                } catch (InterruptedException e) {
                    return;
                }
                logger.warn("Could not stop within {} s: exiting now", FORCED_STOP_SECONDS);
                Runtime.getRuntime().halt(128 + number);
            }, "dualchat-forced-stop");
            watchdog.setDaemon(true);
            watchdog.start();
        } else {
            logger.warn("SIG{} received a third time: exiting now", name);
            Runtime.getRuntime().halt(128 + number);
        }
    }

    /** Ctrl-C at the console's line editor, which takes the key itself rather than raising SIGINT. */
    void interruptedAtConsole() {
        onSignal("INT", 2);
    }

    void await() throws InterruptedException {
        requested.await();
    }

    /** 0 after an orderly stop; 128 + the signal's number after a stop cut short by a second signal. */
    int exitCode() {
        return exitCode;
    }
}
