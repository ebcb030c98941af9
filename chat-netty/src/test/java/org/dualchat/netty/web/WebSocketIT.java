package org.dualchat.netty.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import javax.net.ssl.SSLContext;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.room.ChatCommands;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.ServerExtension;
import org.dualchat.netty.tls.ServerTls;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WebSocket clients in the room over real loopback sockets, beside TCP and UDP senders, under the same rules. */
@Timeout(60)
class WebSocketIT {

    private static final Duration WAIT = WsClient.WAIT;
    /** Prints the protocol in front of each message, to see that WebSocket messages say so. */
    private static final MessageFormat WITH_PROTOCOL = (message, out) ->
            out.write(message.protocol().name().toLowerCase() + " " + (message.action()
                    ? "* " + message.sender() + " " + message.text() : message.sender() + " : " + message.text()) + "\n");

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();
    private final LineCollector out = LineCollector.open();


    private ChatServer start(ChatServerConfig.Builder config) throws IOException {
        return servers.start(config.udpPort(0).tcpPort(0).httpPort(0).build(),
                new PrintingSink(out, WITH_PROTOCOL));
    }

    private WsClient ws(ChatServer server) throws Exception {
        WsClient client = WsClient.connect(server.httpAddress(), false, null);
        servers.closeAfterEach(client);
        assertThat(client.next()).as("the greeting, as a TCP client gets it").isEqualTo("Server connected");
        if (server.config().relay()) {
            assertThat(client.next()).as("who is here, as a TCP client is told").endsWith(ChatCommands.JOIN_LINE_END);
        }
        return client;
    }

    private Tcp tcp(ChatServer server) throws IOException {
        Tcp client = new Tcp(server);
        servers.closeAfterEach(client);
        assertThat(client.readLine()).isEqualTo("Server connected");
        assertThat(client.readLine()).endsWith(ChatCommands.JOIN_LINE_END);
        return client;
    }

    @Test
    void webSocketAndTcpClientsTalkBothWaysInOneRoom() throws Exception {
        ChatServer server = start(ChatServerConfig.builder());
        Tcp tcp = tcp(server);
        WsClient browser = ws(server);
        assertThat(tcp.readLine()).isEqualTo("* 127.0.0.1:" + browser.localPort() + " joined");

        browser.send("hello from a browser");
        assertThat(tcp.readLine()).isEqualTo("127.0.0.1 : hello from a browser");
        tcp.send("hello from nc");
        assertThat(browser.next()).isEqualTo("127.0.0.1 : hello from nc");
        assertThat(out.awaitCount(2, WAIT))
                .containsExactly("ws 127.0.0.1 : hello from a browser", "tcp 127.0.0.1 : hello from nc");

        try (DatagramSocket udp = new DatagramSocket()) {
            byte[] data = "from udp".getBytes(UTF_8);
            udp.send(new DatagramPacket(data, data.length, InetAddress.getLoopbackAddress(),
                    server.udpAddress().getPort()));
            assertThat(browser.next()).isEqualTo("127.0.0.1 : from udp");
        }
        assertThat(server.console("from the operator")).isTrue();
        assertThat(browser.next()).isEqualTo("server : from the operator");
    }

    @Test
    void commandsWorkAsForTcpAndTheSenderIsShownAsOthersSeeIt() throws Exception {
        ChatServer server = start(ChatServerConfig.builder());
        Tcp tcp = tcp(server);
        WsClient browser = ws(server);
        String address = "127.0.0.1:" + browser.localPort();
        assertThat(tcp.readLine()).isEqualTo("* " + address + " joined");

        browser.send("/nick webby");
        assertThat(browser.next()).isEqualTo("* you are now webby@" + address);
        assertThat(tcp.readLine()).isEqualTo("* " + address + " is now webby");
        browser.send("/who");
        assertThat(List.of(browser.next(), browser.next(), browser.next())).containsExactly(
                "* 2 here:", "*   127.0.0.1:" + tcp.port() + "", "*   webby@" + address + " (you)");
        browser.send("/me waves");
        assertThat(tcp.readLine()).isEqualTo("* webby@127.0.0.1 waves");
        assertThat(browser.next()).as("an action reaches its sender too").isEqualTo("* webby@127.0.0.1 waves");
        // One frame holding two lines is two messages, as two lines over TCP are.
        browser.send("first\r\nsecond");
        assertThat(tcp.readLine()).isEqualTo("webby@127.0.0.1 : first");
        assertThat(tcp.readLine()).isEqualTo("webby@127.0.0.1 : second");
        tcp.send("<img src=x onerror=alert(1)>");
        assertThat(browser.next()).as("relayed as sent: the page shows it as text")
                .isEqualTo("127.0.0.1 : <img src=x onerror=alert(1)>");

        browser.send("/quit gone for lunch");
        assertThat(browser.next()).isEqualTo("* bye");
        assertThat(browser.closeCode()).isEqualTo(1000);
        assertThat(tcp.readLine()).isEqualTo("* webby@" + address + " left (gone for lunch)");
        assertThat(out.awaitCount(4, WAIT)).containsExactly("ws * webby@127.0.0.1 waves",
                "ws webby@127.0.0.1 : first", "ws webby@127.0.0.1 : second",
                "tcp 127.0.0.1 : <img src=x onerror=alert(1)>");
    }

    @Test
    void aFrameOverTheLongestLineIsClosedWith1009AndABinaryFrameWith1003() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().maxLineLength(64));
        WsClient tooLong = ws(server);
        tooLong.send("x".repeat(65));
        assertThat(tooLong.closeCode()).isEqualTo(1009);
        WsClient binary = ws(server);
        binary.sendBinary(new byte[] {1, 2, 3});
        assertThat(binary.closeCode()).isEqualTo(1003);
        WsClient invalid = ws(server);
        invalid.send(new TextWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {'a', (byte) 0xc3, '('})));
        assertThat(invalid.closeCode()).as("invalid UTF-8").isEqualTo(1007);
        WsClient fine = ws(server);
        fine.send("y".repeat(64));
        fine.send(new PingWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {7})));
        assertThat(fine.ponged()).isTrue();
        assertThat(out.awaitCount(1, WAIT)).containsExactly("ws 127.0.0.1 : " + "y".repeat(64));
        assertThat(fine.isOpen()).isTrue();
    }

    @Test
    void aBrowserThatReadsTooSlowlyMissesRelaysCountedAndIsToldHowMany() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().clientBuffer(4096));
        WsClient slow = WsClient.connect(server.httpAddress(), false, null, 4096);
        servers.closeAfterEach(slow);
        assertThat(slow.next()).isEqualTo("Server connected");
        assertThat(slow.next()).endsWith(ChatCommands.JOIN_LINE_END);
        slow.pause();
        Tcp sender = tcp(server);
        String pad = " " + "x".repeat(200);
        int messages = 20_000;
        StringBuilder all = new StringBuilder();
        for (int i = 0; i < messages; i++) {
            all.append("m ").append(i).append(pad).append('\n');
        }
        // About 4 MB: far more than the paused client's socket buffers and its 4 KiB limit.
        sender.send(all.substring(0, all.length() - 1));
        assertThat(out.awaitCount(messages, Duration.ofSeconds(30))).hasSize(messages);
        long missed = server.stats().relaysDropped();
        assertThat(missed).as("relays the stuck browser missed").isPositive();
        slow.resume();
        String line;
        do {
            line = slow.next();
        } while (!line.startsWith("* you missed"));
        assertThat(line).isEqualTo("* you missed " + missed + " messages while you were not reading fast enough");
    }

    @Test
    void theHandshakeChecksTheOrigin() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().httpAllowOrigin("https://chat.example.org"));
        int port = server.httpAddress().getPort();
        assertThat(WsClient.refused(server.httpAddress(), "http://evil.example"))
                .startsWith("403 origin not allowed");
        assertThat(WsClient.refused(server.httpAddress(), "null")).startsWith("403");
        assertThat(WsClient.refused(server.httpAddress(), "http://127.0.0.1:" + (port == 1 ? 2 : port - 1)))
                .as("another port is another origin").startsWith("403");
        for (String origin : new String[] {"http://127.0.0.1:" + port, "https://chat.example.org", null}) {
            WsClient client = WsClient.connect(server.httpAddress(), false, origin);
            servers.closeAfterEach(client);
            assertThat(client.next()).as(origin).isEqualTo("Server connected");
        }
    }

    @Test
    void theConnectionLimitsCountWebSocketClientsAndRefuseWith503() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().maxConnectionsPerIp(2).limitLoopback(true));
        tcp(server);
        ws(server);
        try (Socket third = new Socket(InetAddress.getLoopbackAddress(), server.httpAddress().getPort())) {
            third.setSoTimeout((int) WAIT.toMillis());
            // As a browser does: the request goes out at once, and the refusal must still be read, not reset.
            third.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(UTF_8));
            String response = new String(third.getInputStream().readAllBytes(), UTF_8);
            assertThat(response).startsWith("HTTP/1.1 503 Service Unavailable\r\n")
                    .endsWith("\r\n\r\nToo many connections from your address: 2 at most\n");
        }
    }

    @Test
    void theAccessListsApplyToThePagesPort() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().deny("127.0.0.0/8"));
        assertThatThrownBy(() -> WsClient.connect(server.httpAddress(), false, null).close())
                .isInstanceOf(Exception.class);
        String page;
        try {
            page = get(server, "GET / HTTP/1.1");
        } catch (SocketException reset) {
            page = "";
        }
        assertThat(page).as("a denied source is closed without a word").isEmpty();
        assertThat(server.stats().refused(ServerStats.Refusal.DENIED)).isEqualTo(2);
    }

    @Test
    void onAReceiveOnlyServerThePageSendsNoCommandsAndEveryLineIsAMessage() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().relay(false));
        assertThat(get(server, "GET / HTTP/1.1")).contains("data-relay=\"false\"");
        WsClient client = ws(server);
        client.send("/who");
        assertThat(out.awaitCount(1, WAIT)).containsExactly("ws 127.0.0.1 : /who");
    }

    @Test
    void anIdleWebSocketClientIsToldAndClosed() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().idleTimeout(Duration.ofMillis(500)));
        WsClient browser = ws(server);
        assertThat(browser.next()).isEqualTo("Idle timeout: no message in 0.5 seconds, closing");
        assertThat(browser.closeCode()).isEqualTo(1000);
    }

    @Test
    void theChatPageIsServedWithAStrictPolicy() throws Exception {
        ChatServer server = start(ChatServerConfig.builder());
        String page = get(server, "GET / HTTP/1.1");
        assertThat(page).startsWith("HTTP/1.1 200 OK\r\n")
                .containsIgnoringCase("content-type: text/html; charset=utf-8\r\n")
                .containsIgnoringCase("content-security-policy: default-src 'none'; script-src 'self';")
                .contains("<script src=\"chat.js\" defer></script>")
                .contains("data-max-line=\"8192\"")
                .doesNotContain("http://", "https://");
        assertThat(get(server, "GET /chat.js HTTP/1.1")).startsWith("HTTP/1.1 200 OK\r\n")
                .containsIgnoringCase("content-type: text/javascript")
                .doesNotContain("innerHTML =", "eval(");
        assertThat(get(server, "GET /../pom.xml HTTP/1.1")).startsWith("HTTP/1.1 404 Not Found");
        assertThat(get(server, "POST / HTTP/1.1")).startsWith("HTTP/1.1 405 Method Not Allowed");
        assertThat(get(server, "GET /ws HTTP/1.1")).startsWith("HTTP/1.1 400 Bad Request");
    }

    @Test
    void withTlsThePageAndTheWebSocketAreHttpsAndWss() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().tls(ServerTls.selfSigned()));
        int port = server.httpAddress().getPort();
        WsClient browser = WsClient.connect(server.httpAddress(), true, "https://127.0.0.1:" + port);
        servers.closeAfterEach(browser);
        assertThat(browser.next()).isEqualTo("Server connected");
        browser.send("over wss");
        assertThat(out.awaitCount(1, WAIT)).containsExactly("ws 127.0.0.1 : over wss");
        assertThatThrownBy(() -> WsClient.connect(server.httpAddress(), false, null).close())
                .as("plain ws on the HTTPS port").isInstanceOf(Exception.class);

        SSLContext trustAll = SSLContext.getInstance("TLS");
        trustAll.init(null, InsecureTrustManagerFactory.INSTANCE.getTrustManagers(), null);
        HttpResponse<String> page = HttpClient.newBuilder().sslContext(trustAll).connectTimeout(WAIT).build()
                .send(HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/")).timeout(WAIT).build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(page.statusCode()).isEqualTo(200);
        assertThat(page.body()).contains("<title>dualchat</title>");
    }

    @Test
    void shutdownClosesWebSocketClientsAfterPrintingWhatTheySent() throws Exception {
        ChatServer server = start(ChatServerConfig.builder());
        WsClient browser = ws(server);
        browser.send("last words");
        assertThat(out.awaitCount(1, WAIT)).containsExactly("ws 127.0.0.1 : last words");
        server.close();
        assertThat(browser.closeCode()).as("going away").isEqualTo(1001);
    }

    private static String get(ChatServer server, String requestLine) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), server.httpAddress().getPort())) {
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.getOutputStream().write((requestLine + "\r\nHost: 127.0.0.1\r\nConnection: close\r\n"
                    + "Content-Length: 0\r\n\r\n").getBytes(UTF_8));
            return new String(socket.getInputStream().readAllBytes(), UTF_8);
        }
    }

    /** A TCP client with a line reader. */
    static final class Tcp implements AutoCloseable {

        private final Socket socket;
        private final BufferedReader in;
        private final OutputStream out;

        Tcp(ChatServer server) throws IOException {
            socket = new Socket(InetAddress.getLoopbackAddress(), server.tcpAddress().getPort());
            socket.setSoTimeout((int) WAIT.toMillis());
            InputStream input = socket.getInputStream();
            in = new BufferedReader(new InputStreamReader(input, UTF_8));
            out = socket.getOutputStream();
        }

        int port() {
            return socket.getLocalPort();
        }

        String readLine() throws IOException {
            return in.readLine();
        }

        void send(String text) throws IOException {
            out.write((text + "\n").getBytes(UTF_8));
            out.flush();
        }

        @Override
        public void close() throws IOException {
            socket.close();
        }
    }
}
