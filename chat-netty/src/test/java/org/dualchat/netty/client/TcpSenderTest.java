package org.dualchat.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class TcpSenderTest {

    private static final Duration WAIT = Duration.ofSeconds(10);

    @Test
    @Timeout(60)
    void sendsAHundredThousandLinesInOrderAndFinishesCleanly() throws Exception {
        CollectingSink atServer = new CollectingSink();
        CollectingSink atClient = new CollectingSink();
        // A bulk transfer from one trusted source: no rate limit, or it would take 100 s.
        ChatServer server = new ChatServer(ChatServerConfig.builder().udpPort(0).tcpPort(0).rate(0).build(), atServer);
        try {
            server.start();
            try (TcpSender sender = TcpSender.connect("127.0.0.1", server.tcpAddress().getPort(), atClient)) {
                for (int i = 1; i <= 100_000; i++) {
                    sender.send(Integer.toString(i));
                }
                sender.finish(WAIT);
                assertThat(sender.closed()).isCompleted();
            }
            assertThat(atClient.take(WAIT)).isEqualTo(new ChatMessage(
                    Protocol.TCP, "127.0.0.1", server.tcpAddress().getPort(), "Server connected"));
        } finally {
            server.close();
        }
        List<ChatMessage> received = atServer.drain();
        assertThat(received).hasSize(100_000);
        for (int i = 0; i < received.size(); i++) {
            assertThat(received.get(i).text()).isEqualTo(Integer.toString(i + 1));
        }
    }

    @Test
    @Timeout(20)
    void talksToAnIpv6Literal() throws Exception {
        CollectingSink atServer = new CollectingSink();
        ChatServer server = new ChatServer(ChatServerConfig.builder()
                .bindAddress(InetAddress.getByName("::1")).udpPort(0).tcpPort(0).build(), atServer);
        try {
            try {
                server.start();
            } catch (IOException e) {
                org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback here: " + e.getMessage());
            }
            try (TcpSender sender = TcpSender.connect("::1", server.tcpAddress().getPort(), new CollectingSink())) {
                sender.send("over IPv6");
                sender.finish(WAIT);
            }
            assertThat(atServer.take(WAIT)).extracting(ChatMessage::ip, ChatMessage::text)
                    .containsExactly("::1", "over IPv6");
        } finally {
            server.close();
        }
    }

    @Test
    @Timeout(20)
    void saysWhenTheConnectionIsRefused() throws IOException {
        int port;
        try (ServerSocket closed = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = closed.getLocalPort();
        }
        assertThatThrownBy(() -> TcpSender.connect("127.0.0.1", port, new CollectingSink()))
                .isInstanceOf(IOException.class)
                .hasMessage("cannot connect to 127.0.0.1:" + port + ": Connection refused");
    }

    @Test
    @Timeout(20)
    void saysWhenTheHostIsUnknown() {
        assertThatThrownBy(() -> TcpSender.connect("no-such-host.invalid", 2222, new CollectingSink()))
                .isInstanceOf(UnknownHostException.class);
    }

    @Test
    @Timeout(20)
    void failsWhenTheServerClosesFirst() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            CollectingSink atClient = new CollectingSink();
            try (TcpSender sender = TcpSender.connect("127.0.0.1", listener.getLocalPort(), atClient)) {
                try (Socket accepted = listener.accept()) {
                    OutputStream out = accepted.getOutputStream();
                    // The seeds' server: a greeting with no newline.
                    out.write("Server connected".getBytes(StandardCharsets.UTF_8));
                    out.flush();
                    assertThat(atClient.take(WAIT)).extracting(ChatMessage::text).isEqualTo("Server connected");
                }
                assertThatThrownBy(() -> sender.closed().get(10, TimeUnit.SECONDS))
                        .isInstanceOf(ExecutionException.class)
                        .cause()
                        .isInstanceOf(IOException.class)
                        .hasMessage("the server at 127.0.0.1:" + listener.getLocalPort() + " closed the connection");
                assertThatThrownBy(() -> sender.send("too late")).isInstanceOf(IOException.class);
                assertThatThrownBy(() -> sender.finish(WAIT)).isInstanceOf(IOException.class)
                        .hasMessageContaining("closed the connection");
            }
        }
    }

    @Test
    @Timeout(20)
    void failsWhenTheServerDoesNotCloseAfterTheEndOfInput() throws Exception {
        try (ServerSocket listener = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            try (TcpSender sender = TcpSender.connect("127.0.0.1", listener.getLocalPort(), new CollectingSink());
                    Socket accepted = listener.accept()) {
                sender.send("hello");
                assertThatThrownBy(() -> sender.finish(Duration.ofMillis(300)))
                        .isInstanceOf(IOException.class)
                        .hasMessageContaining("did not close the connection");
                assertThat(accepted.getInputStream().readAllBytes())
                        .as("everything arrives, then the end of input")
                        .isEqualTo("hello\n".getBytes(StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    @Timeout(10)
    void refusesABadPort() {
        assertThatThrownBy(() -> TcpSender.connect("127.0.0.1", 0, new CollectingSink()))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("port: 0 (expected: 1-65535)");
    }
}
