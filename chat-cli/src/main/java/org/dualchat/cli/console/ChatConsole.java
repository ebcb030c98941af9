package org.dualchat.cli.console;

import java.io.IOException;
import java.io.OutputStream;
import org.dualchat.cli.DualchatCli;

/**
 * Where a client command reads lines from and shows what it receives: a terminal, where received text
 * appears above the line being typed, or plain streams, for pipes and tests.
 */
public interface ChatConsole extends AutoCloseable {

    /** The next line, or {@code null} at the end of input (Ctrl-D or Ctrl-C on a terminal). */
    InputLine readLine() throws IOException;

    /** Where received text is written, one whole line per message; written from one thread at a time. */
    OutputStream output();

    /** Shows {@code message} as a one-line error, {@code dualchat: message}. */
    void error(String message);

    /**
     * Tells the person at a terminal {@code message}, above the line being typed; nothing on plain
     * streams, where a script reads the output and has no one to tell.
     */
    default void hint(String message) {
    }

    /**
     * Where log lines go so that they, too, appear above the line being typed: on a terminal, a stream that
     * prints each whole line above the prompt, from any thread; {@code null} on plain streams.
     */
    default OutputStream logOutput() {
        return null;
    }

    /** Whether the last {@link #readLine()} ended with Ctrl-C at a terminal, rather than at the end of input. */
    default boolean interrupted() {
        return false;
    }

    /** Whether this is an interactive terminal. */
    boolean isTerminal();

    /** Restores the terminal, if any. Does not close the streams it was given. */
    @Override
    void close();

    /**
     * The server's console on a terminal, or {@code null} if it does not run on one: lines are edited at a
     * prompt, received text is printed above it, and an entered line is erased, since the server prints
     * it back as {@code server : text}.
     */
    static ChatConsole serverTerminal(DualchatCli cli, int maxLineBytes) {
        return cli.terminal ? TerminalConsole.open(maxLineBytes, true) : null;
    }

    /** A console on the command line's streams: a terminal if it runs on one, plain streams otherwise. */
    static ChatConsole open(DualchatCli cli, int maxLineBytes) {
        if (cli.terminal) {
            ChatConsole terminal = TerminalConsole.open(maxLineBytes);
            if (terminal != null) {
                return terminal;
            }
        }
        return new StreamConsole(cli, maxLineBytes);
    }
}
