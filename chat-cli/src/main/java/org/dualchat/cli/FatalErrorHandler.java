package org.dualchat.cli;

import static java.util.Objects.requireNonNull;

import java.io.PrintStream;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The process's last word on an error no thread caught: an {@link OutOfMemoryError} (or another
 * {@link VirtualMachineError}) prints one line and halts with status 1 at once, rather than leave a
 * server with dead threads that serves nothing; a service manager then restarts it. Halting skips the
 * shutdown hooks: with no memory left, draining would hang. Any other uncaught error is logged.
 */
final class FatalErrorHandler implements Thread.UncaughtExceptionHandler {

    private static final Logger logger = LoggerFactory.getLogger(FatalErrorHandler.class);

    static final int EXIT_STATUS = 1;

    private final PrintStream err;
    private final IntConsumer halt;

    FatalErrorHandler(PrintStream err, IntConsumer halt) {
        this.err = requireNonNull(err, "err");
        this.halt = requireNonNull(halt, "halt");
    }

    @Override
    public void uncaughtException(Thread thread, Throwable cause) {
        if (cause instanceof VirtualMachineError) {
            // Nothing that allocates much: the message is built from what exists already.
            err.println("dualchat: fatal " + cause + " in thread " + thread.getName() + "; exiting");
            err.flush();
            halt.accept(EXIT_STATUS);
            return;
        }
        logger.error("Uncaught error in thread {}", thread.getName(), cause);
    }
}
