package org.dualchat.cli.console;

import java.io.IOException;
import java.io.OutputStream;
import org.dualchat.cli.DualchatCli;

/** A {@link ChatConsole} on plain streams: lines from a pipe or a file, received text straight to stdout. */
final class StreamConsole implements ChatConsole {

    private final BoundedLineReader reader;
    private final OutputStream out;
    private final DualchatCli cli;

    StreamConsole(DualchatCli cli, int maxLineBytes) {
        this.cli = cli;
        this.reader = new BoundedLineReader(cli.in, maxLineBytes);
        this.out = cli.out;
    }

    @Override
    public InputLine readLine() throws IOException {
        return reader.next();
    }

    @Override
    public OutputStream output() {
        return out;
    }

    @Override
    public void error(String message) {
        cli.err.println("dualchat: " + message);
    }

    @Override
    public boolean isTerminal() {
        return false;
    }

    @Override
    public void close() {
        // The streams belong to the caller.
    }
}
