package org.dualchat.cli.server;

import java.io.IOException;
import java.io.InputStream;
import org.dualchat.cli.console.BoundedLineReader;
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

    private final BoundedLineReader lines;
    private final int maxLineBytes;
    private final ChatServer server;

    ServerConsole(InputStream in, int maxLineBytes, ChatServer server) {
        this.lines = new BoundedLineReader(in, maxLineBytes);
        this.maxLineBytes = maxLineBytes;
        this.server = server;
    }

    /** Starts reading on a daemon thread. */
    static void start(InputStream in, int maxLineBytes, ChatServer server) {
        Thread thread = new Thread(new ServerConsole(in, maxLineBytes, server), "dualchat-console");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void run() {
        try {
            InputLine line;
            while ((line = lines.next()) != null) {
                if (line.tooLong()) {
                    logger.warn("Console line {} not sent: its {} bytes are over the --max-line of {}",
                            line.number(), line.length(), maxLineBytes);
                } else if (!line.text().isEmpty() && !server.console(line.text())) {
                    return;
                }
            }
            logger.debug("Console input ended; still serving");
        } catch (IOException e) {
            logger.debug("Console input failed, still serving: {}", e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
