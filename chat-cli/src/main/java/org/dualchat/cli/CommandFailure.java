package org.dualchat.cli;

/** A failure the user can act on: its message is printed as one line, and the exit code is 1. */
public final class CommandFailure extends RuntimeException {

    private static final long serialVersionUID = 1L;

    public CommandFailure(String message, Throwable cause) {
        super(message, cause);
    }
}
