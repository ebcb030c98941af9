package org.dualchat.netty.common;

/**
 * Tells errors a channel can survive from those the process cannot: an {@link OutOfMemoryError} (or
 * another {@link VirtualMachineError}) goes to the thread's uncaught-exception handler, where the
 * application decides (the CLI prints one line and exits non-zero, for a service manager to restart it)
 * rather than Netty logging it and the loop serving on with no memory.
 */
public final class Failures {

    private Failures() {}

    /** Whether {@code cause}, or what caused it, is an error the process should not try to survive. */
    public static boolean isFatal(Throwable cause) {
        for (Throwable t = cause; t != null; t = t.getCause()) {
            if (t instanceof VirtualMachineError) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /** Hands a fatal {@code cause} to the current thread's uncaught-exception handler. */
    public static void escalate(Throwable cause) {
        Thread thread = Thread.currentThread();
        thread.getUncaughtExceptionHandler().uncaughtException(thread, cause);
    }
}
