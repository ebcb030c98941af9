package org.dualchat.netty.shutdown;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.dualchat.netty.testing.Loopback.WAIT;
import static org.dualchat.netty.testing.Loopback.readLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.room.ChatCommands;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.LogCapture;
import org.dualchat.netty.testing.Loopback;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** {@link ChatServer#close()} over real loopback sockets: what clients sent before it is printed, within the grace. */
@Timeout(60)
class GracefulStopIT {

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();
    private final LineCollector out = LineCollector.open();


    private ChatServer start(ChatServerConfig.Builder config) throws IOException {
        return servers.start(config.udpPort(0).tcpPort(0).build(), new PrintingSink(out, MessageFormat.PLAIN));
    }

    private Socket connectGreeted(ChatServer server) throws IOException {
        Socket socket = Loopback.connect("127.0.0.1", server);
        servers.closeAfterEach(socket);
        assertThat(readLine(socket.getInputStream())).isEqualTo("Server connected");
        if (server.config().relay()) {
            assertThat(readLine(socket.getInputStream())).endsWith(ChatCommands.JOIN_LINE_END);
        }
        return socket;
    }

    @Test
    void anOpenClientIsReadOutThenToldAndClosedInOrder() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().partialLineTimeout(Duration.ZERO));
        Socket client = connectGreeted(server);
        OutputStream o = client.getOutputStream();
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < 50_000; i++) {
            text.append("line ").append(i).append('\n');
        }
        o.write(text.append("still typing").toString().getBytes(UTF_8));
        server.close();

        List<String> printed = out.lines();
        assertThat(printed).hasSize(50_001).endsWith("127.0.0.1 : line 49999", "127.0.0.1 : still typing");
        InputStream in = client.getInputStream();
        assertThat(readLine(in)).isEqualTo("* server shutting down");
        assertThat(in.read()).as("an orderly end, no reset").isEqualTo(-1);
    }

    @Test
    void withNoGraceEveryClientIsClosedAtOnceAndStillToldWhy() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().shutdownGrace(Duration.ZERO));
        Socket client = connectGreeted(server);
        client.getOutputStream().write("said\n".getBytes(UTF_8));
        assertThat(out.awaitCount(1, WAIT)).containsExactly("127.0.0.1 : said");
        long started = System.nanoTime();
        server.close();
        assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started))
                .as("ms to close: reading an idle client out takes two quiet spells of %s", GracefulStop.QUIET)
                .isLessThan(2 * GracefulStop.QUIET.toMillis());
        assertThat(readLine(client.getInputStream())).isEqualTo("* server shutting down");
    }

    /** A thread that writes a line to {@code client} every 10 ms until {@code stop} or the server closes it. */
    private static Thread neverQuiet(Socket client, AtomicBoolean stop) {
        Thread sender = new Thread(() -> {
            try {
                for (int i = 0; !stop.get(); i++) {
                    client.getOutputStream().write(("busy " + i + "\n").getBytes(UTF_8));
                    Thread.sleep(10);
                }
            } catch (IOException | InterruptedException e) {
                // closed by the server
            }
        });
        sender.start();
        return sender;
    }

    @Test
    void aClientThatNeverGoesQuietIsClosedWhenTheGraceRunsOut() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().relay(false).shutdownGrace(Duration.ofSeconds(2)));
        Socket client = connectGreeted(server);
        AtomicBoolean stop = new AtomicBoolean();
        Thread sender = neverQuiet(client, stop);
        try (LogCapture log = LogCapture.start()) {
            out.awaitCount(5, WAIT);
            long started = System.nanoTime();
            server.close();
            long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
            assertThat(millis).as("ms to close").isBetween(1_900L, 2_000L + WAIT.toMillis() / 2);
            assertThat(log.warnings()).anyMatch(w -> w.contains("1 TCP client was still sending after the grace"));
        } finally {
            stop.set(true);
            sender.join(WAIT.toMillis());
        }
        assertThat(out.lines()).allMatch(line -> line.matches("127\\.0\\.0\\.1 : busy \\d+"));
    }

    @Test
    void closeNowCutsAStopUnderWayShort() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().relay(false).shutdownGrace(Duration.ofSeconds(60)));
        Socket client = connectGreeted(server);
        AtomicBoolean stop = new AtomicBoolean();
        Thread sender = neverQuiet(client, stop);
        Thread closing = new Thread(server::close);
        try {
            out.awaitCount(5, WAIT);
            closing.start();
            Thread.sleep(500);
            assertThat(closing.isAlive()).as("still reading a busy client").isTrue();
            server.closeNow();
            closing.join(WAIT.toMillis());
            assertThat(closing.isAlive()).isFalse();
        } finally {
            stop.set(true);
            sender.join(WAIT.toMillis());
        }
        assertThat(server.stats().tcpLines()).isEqualTo(out.lines().size());
    }
}
