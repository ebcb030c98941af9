package org.dualchat.netty.limit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.dualchat.netty.testing.Loopback.WAIT;
import static org.dualchat.netty.testing.Loopback.readLine;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.stats.ServerStats.Refusal;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.Loopback;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients on the server's own machine, over real loopback sockets: not held to the per-address limit unless
 * asked; and a refused client, even one that has written already, reads why it was refused.
 */
@Timeout(120)
class LocalClientsIT {

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();
    private final LineCollector out = LineCollector.open();


    private ChatServer start(ChatServerConfig.Builder config) throws IOException {
        return servers.start(config.udpPort(0).tcpPort(0).build(), new PrintingSink(out, MessageFormat.PLAIN));
    }

    private Socket connect(ChatServer server) throws IOException {
        Socket socket = Loopback.connect("127.0.0.1", server);
        servers.closeAfterEach(socket);
        return socket;
    }

    @Test
    void fiveHundredLocalClientsAtOnceEachGetEveryLinePrinted() throws Exception {
        ChatServer server = start(ChatServerConfig.builder());
        int clients = 500;
        int lines = 4;
        List<Socket> sockets = new ArrayList<>();
        for (int c = 0; c < clients; c++) {
            sockets.add(connect(server));
        }
        for (int c = 0; c < clients; c++) {
            StringBuilder text = new StringBuilder();
            for (int i = 0; i < lines; i++) {
                text.append("client ").append(c).append(" line ").append(i).append('\n');
            }
            sockets.get(c).getOutputStream().write(text.toString().getBytes(UTF_8));
            sockets.get(c).shutdownOutput();
        }
        // Each reads to the end: its greeting, the room's traffic, then the server's close after the half-close.
        for (Socket socket : sockets) {
            assertThat(readLine(socket.getInputStream())).isEqualTo("Server connected");
            socket.getInputStream().readAllBytes();
        }
        List<String> printed = out.awaitCount(clients * lines, WAIT);
        assertThat(printed).hasSize(clients * lines).doesNotHaveDuplicates()
                .allMatch(line -> line.matches("127\\.0\\.0\\.1 : client \\d+ line \\d"));
        assertThat(server.stats().refused(Refusal.PER_IP_LIMIT)).isZero();
    }

    @Test
    void twoThousandIdleLocalConnectionsLeaveRoomForANewClient() throws Exception {
        // Receive-only: the room's join notices (one to each member per join) are beside the point here.
        ChatServer server = start(ChatServerConfig.builder().relay(false));
        for (int c = 0; c < 2_000; c++) {
            connect(server);
        }
        assertThat(Loopback.await(() -> server.stats().connectionsCurrent() == 2_000, WAIT)).isTrue();
        Socket late = connect(server);
        assertThat(readLine(late.getInputStream())).isEqualTo("Server connected");
        late.getOutputStream().write("room for me\n".getBytes(UTF_8));
        assertThat(out.awaitCount(1, WAIT)).containsExactly("127.0.0.1 : room for me");
        assertThat(server.stats().refused(Refusal.PER_IP_LIMIT)).isZero();
    }

    @Test
    void theTotalLimitStillHoldsForLocalClients() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().maxConnections(3).maxConnectionsPerIp(1));
        for (int c = 0; c < 3; c++) {
            assertThat(readLine(connect(server).getInputStream())).isEqualTo("Server connected");
        }
        assertThat(readLine(connect(server).getInputStream())).isEqualTo("Server full: 3 connections, try again later");
    }

    @Test
    void withLimitLoopbackTheLimitHoldsForLocalClientsToo() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().maxConnectionsPerIp(2).limitLoopback(true));
        for (int c = 0; c < 2; c++) {
            assertThat(readLine(connect(server).getInputStream())).isEqualTo("Server connected");
        }
        assertThat(readLine(connect(server).getInputStream()))
                .isEqualTo("Too many connections from your address: 2 at most");
    }

    @Test
    void aRefusedClientThatHasWrittenAlreadyReadsWhyAndAnOrderlyEnd() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().maxConnections(1));
        assertThat(readLine(connect(server).getInputStream())).isEqualTo("Server connected");
        // Enough that the client is still writing when it is refused: closing on unread input would reset the
        // connection, and the client's write would fail before it ever read the line (1 MB: 2 of 20 read it).
        byte[] said = new byte[1024 * 1024];
        Arrays.fill(said, (byte) 'x');
        said[0] = 'h';
        said[1] = 'i';
        said[2] = '\n';
        for (int attempt = 0; attempt < 20; attempt++) {
            Socket refused = connect(server);
            refused.getOutputStream().write(said);
            InputStream in = refused.getInputStream();
            assertThat(readLine(in)).as("attempt %d", attempt).isEqualTo("Server full: 1 connections, try again later");
            refused.shutdownOutput();
            assertThat(in.read()).as("an orderly end, not a reset").isEqualTo(-1);
            refused.close();
        }
        assertThat(server.stats().refused(Refusal.TOTAL_LIMIT)).isEqualTo(20);
        assertThat(out.lines()).as("nothing from a refused client is printed").isEmpty();
    }

    @Test
    void aRefusedClientThatNeverClosesIsClosedSoon() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().maxConnections(1));
        assertThat(readLine(connect(server).getInputStream())).isEqualTo("Server connected");
        Socket refused = connect(server);
        InputStream in = refused.getInputStream();
        assertThat(readLine(in)).isEqualTo("Server full: 1 connections, try again later");
        assertThat(in.read()).isEqualTo(-1);
        // What it sends is read and dropped for a moment; then the server closes, and writing fails.
        long started = System.nanoTime();
        IOException closed = null;
        while (closed == null && System.nanoTime() - started < WAIT.toNanos()) {
            try {
                refused.getOutputStream().write("still here\n".getBytes(UTF_8));
                Thread.sleep(20);
            } catch (IOException e) {
                closed = e;
            }
        }
        assertThat(closed).as("closed by the server within %s", WAIT).isNotNull();
        assertThat(out.lines()).isEmpty();
    }
}
