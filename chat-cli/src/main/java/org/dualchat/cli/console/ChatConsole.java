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

    /** Whether this is an interactive terminal. */
    boolean isTerminal();

    /** Restores the terminal, if any. Does not close the streams it was given. */
    @Override
    void close();

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
