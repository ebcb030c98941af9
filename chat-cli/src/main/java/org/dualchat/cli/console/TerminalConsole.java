package org.dualchat.cli.console;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import org.jline.reader.EndOfFileException;
import org.jline.reader.LineReader;
import org.jline.reader.LineReaderBuilder;
import org.jline.reader.UserInterruptException;
import org.jline.terminal.Terminal;
import org.jline.terminal.TerminalBuilder;
import org.jline.utils.AttributedString;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link ChatConsole} on the system terminal, through JLine: the user edits a line at a prompt while
 * received text is printed above it, so neither mangles the other.
 */
final class TerminalConsole implements ChatConsole {

    private static final Logger logger = LoggerFactory.getLogger(TerminalConsole.class);

    private static final String PROMPT = "> ";

    private final Terminal terminal;
    private final LineReader reader;
    private final int maxLineBytes;
    private final OutputStream output = new PrintAboveStream();
    private final OutputStream logOutput = new PrintAboveStream();
    private long number;
    private volatile Thread readingThread;
    private volatile boolean interrupted;

    private TerminalConsole(Terminal terminal, int maxLineBytes, boolean eraseTyped) {
        this.terminal = terminal;
        this.maxLineBytes = maxLineBytes;
        this.reader = LineReaderBuilder.builder()
                .terminal(terminal)
                // "!" and "^" are ordinary characters in a chat, not history commands.
                .option(LineReader.Option.DISABLE_EVENT_EXPANSION, true)
                // The server's console: the typed line comes back printed as "server : ...", shown once.
                .option(LineReader.Option.ERASE_LINE_ON_FINISH, eraseTyped)
                .build();
    }

    /** The system terminal, or {@code null} if JLine cannot drive it (the caller then reads plain lines). */
    static TerminalConsole open(int maxLineBytes) {
        return open(maxLineBytes, false);
    }

    /** @param eraseTyped whether a line is erased once entered, for one that comes back printed */
    static TerminalConsole open(int maxLineBytes, boolean eraseTyped) {
        try {
            Terminal terminal = TerminalBuilder.builder()
                    .system(true)
                    .encoding(StandardCharsets.UTF_8)
                    .dumb(false)
                    .build();
            return new TerminalConsole(terminal, maxLineBytes, eraseTyped);
        } catch (IOException | IllegalStateException e) {
            logger.debug("No terminal line editing, reading plain lines: {}", e.toString());
            return null;
        }
    }

    @Override
    public InputLine readLine() {
        String line;
        readingThread = Thread.currentThread();
        try {
            line = reader.readLine(PROMPT);
        } catch (EndOfFileException e) {
            return null;
        } catch (UserInterruptException e) {
            interrupted = true;
            return null;
        } finally {
            readingThread = null;
        }
        number++;
        long length = line.getBytes(StandardCharsets.UTF_8).length;
        return new InputLine(number, length > maxLineBytes ? null : line, length);
    }

    @Override
    public OutputStream output() {
        return output;
    }

    @Override
    public void error(String message) {
        reader.printAbove(new AttributedString("dualchat: " + message));
    }

    @Override
    public boolean interrupted() {
        return interrupted;
    }

    @Override
    public OutputStream logOutput() {
        return logOutput;
    }

    @Override
    public void hint(String message) {
        reader.printAbove(new AttributedString(message));
    }

    @Override
    public boolean isTerminal() {
        return true;
    }

    @Override
    public void close() {
        Thread reading = readingThread;
        if (reading != null && reading != Thread.currentThread()) {
            // The chat ended from the other side while the user was typing: let readLine undo its terminal
            // modes (bracketed paste, keypad) before the terminal is restored.
            reading.interrupt();
            try {
                reading.join(500);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        try {
            terminal.close();
        } catch (IOException e) {
            logger.debug("Could not restore the terminal: {}", e.toString());
        }
    }

    /**
     * Prints each whole line written to it above the prompt. Holds at most one partial line: whoever
     * writes here writes whole lines, and each is printed as soon as its newline comes.
     */
    private final class PrintAboveStream extends OutputStream {

        private final ByteArrayOutputStream line = new ByteArrayOutputStream(256);

        @Override
        public synchronized void write(int b) {
            if (b == '\n') {
                printLine();
            } else {
                line.write(b);
            }
        }

        @Override
        public synchronized void write(byte[] b, int off, int len) {
            int start = off;
            for (int i = off; i < off + len; i++) {
                if (b[i] == '\n') {
                    line.write(b, start, i - start);
                    printLine();
                    start = i + 1;
                }
            }
            line.write(b, start, off + len - start);
        }

        private void printLine() {
            // A string with escape sequences: JLine parses the colour and keeps the prompt line intact.
            reader.printAbove(line.toString(StandardCharsets.UTF_8));
            line.reset();
        }
    }
}
