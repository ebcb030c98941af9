package org.dualchat.netty.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.time.Duration;
import org.dualchat.netty.ChatServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The test support itself: {@link ServerExtension} driven by hand through one test's life. */
@Timeout(60)
class ServerExtensionIT {

    @Test
    void startsOnFreePortsCapturesStdoutAndClosesEverythingAfterTheTest() throws Exception {
        ServerExtension servers = ServerExtension.withDefaults(config -> config.partialLineTimeout(Duration.ZERO));
        servers.beforeEach(null);
        ChatServer server = servers.start();
        assertThat(servers.server()).isSameAs(server);
        assertThat(server.tcpAddress().getPort()).isPositive();

        Socket client = servers.connectGreeted(server);
        client.getOutputStream().write("hello\nunfinished".getBytes(UTF_8));
        ServerExtension.sendUdp(server, "a datagram");
        assertThat(servers.out().await(lines -> lines.size() >= 2, ServerExtension.WAIT))
                .containsExactlyInAnyOrder("127.0.0.1 : hello", "127.0.0.1 : a datagram");
        int tcpPort = server.tcpAddress().getPort();

        servers.afterEach(null);
        assertThat(client.isClosed()).as("the client, closed after the test").isTrue();
        assertThat(servers.out().lines()).as("the server closed: the partial line printed")
                .contains("127.0.0.1 : unfinished");
        try (ServerSocket again = new ServerSocket()) {
            again.bind(new InetSocketAddress(tcpPort));
            assertThat(again.getLocalPort()).as("the server's port, free again").isEqualTo(tcpPort);
        }

        servers.beforeEach(null);
        assertThat(servers.out().lines()).as("a new test, a new stdout").isEmpty();
        servers.afterEach(null);
    }

    @Test
    void startedBeforeEachGivesEveryTestItsOwnServer() throws Exception {
        ServerExtension servers = ServerExtension.startedBeforeEach(config -> config.relay(false));
        servers.beforeEach(null);
        ChatServer first = servers.server();
        servers.afterEach(null);
        servers.beforeEach(null);
        ChatServer second = servers.server();
        assertThat(second).isNotSameAs(first);
        ServerExtension.sendUdp(second, "to the second");
        assertThat(servers.out().awaitCount(1, ServerExtension.WAIT)).containsExactly("127.0.0.1 : to the second");
        servers.afterEach(null);
    }
}
