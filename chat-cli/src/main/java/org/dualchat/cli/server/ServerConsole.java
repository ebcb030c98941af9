package org.dualchat.cli.server;

import java.io.IOException;
import org.dualchat.cli.console.ChatConsole;
import org.dualchat.cli.console.InputLine;
import org.dualchat.netty.ChatServer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server's standard input as a participant: each line is said as {@code server : text}, printed and
 * relayed. It reads on its own daemon thread, so a console that never types, or a closed or redirected
 * stdin, never holds the server up; at the end of input the server simply goes on.
 */
final class ServerConsole implements Runnable {

    private static final Logger logger = LoggerFactory.getLogger(ServerConsole.class);

    private final ChatConsole lines;
    private final int maxLineBytes;
    private final ChatServer server;
    private final Runnable onInterrupt;

    ServerConsole(ChatConsole lines, int maxLineBytes, ChatServer server, Runnable onInterrupt) {
        this.lines = lines;
        this.maxLineBytes = maxLineBytes;
        this.server = server;
        this.onInterrupt = onInterrupt;
    }

    /** Starts reading {@code console} (a terminal with line editing, or plain stdin) on a daemon thread. */
    static void start(ChatConsole console, int maxLineBytes, ChatServer server, Runnable onInterrupt) {
        Thread thread = new Thread(new ServerConsole(console, maxLineBytes, server, onInterrupt), "dualchat-console");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            InputLine line;
            while ((line = lines.readLine()) != null) {
                if (line.tooLong()) {
                    logger.warn("Console line {} not sent: its {} bytes are over the --max-line of {}",
                            line.number(), line.length(), maxLineBytes);
                } else if (!line.text().isEmpty() && !server.console(line.text())) {
                    return;
                }
            }
            if (lines.interrupted()) {
                // Ctrl-C at the line editor, which keeps the key from the terminal's SIGINT: stop as for it.
                onInterrupt.run();
                return;
            }
            logger.debug("Console input ended; still serving");
        } catch (IOException e) {
            logger.debug("Console input failed, still serving: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
