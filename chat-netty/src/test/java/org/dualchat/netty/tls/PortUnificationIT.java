package org.dualchat.netty.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.Loopback;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * TLS clients join only after their handshake; the plain TCP port takes TLS too when the server has a
 * certificate, and a TLS hello where no TLS is spoken gets a plain line, never printed or relayed.
 */
@Timeout(60)
class PortUnificationIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The first bytes of a TLS 1.2 ClientHello record, as openssl s_client sends them. */
    private static final byte[] CLIENT_HELLO_START = HexFormat.of().parseHex("160301011c010001180303");

    private static ServerTls tls;

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();
    private final LineCollector out = LineCollector.open();

    @BeforeAll
    static void makeCertificate() throws IOException {
        tls = ServerTls.selfSigned();
    }


    private ChatServer start(ChatServerConfig.Builder config) throws IOException {
        return servers.start(config.udpPort(0).tcpPort(0).build(), new PrintingSink(out, MessageFormat.PLAIN));
    }

    private Socket plain(InetSocketAddress address) throws IOException {
        Socket socket = new Socket(InetAddress.getLoopbackAddress(), address.getPort());
        socket.setSoTimeout((int) WAIT.toMillis());
        servers.closeAfterEach(socket);
        return socket;
    }

    private SSLSocket tlsClient(InetSocketAddress address) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("dualchat", tls.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", address.getPort());
        socket.setSoTimeout((int) WAIT.toMillis());
        servers.closeAfterEach(socket);
        socket.startHandshake();
        return socket;
    }

    private static String readLine(InputStream in) throws IOException {
        return Loopback.readLine(in);
    }

    private static String nextLine(Socket socket) throws IOException {
        return readLine(socket.getInputStream());
    }

    @Test
    void aHalfOpenTlsConnectionNeverJoinsTheRoom() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().tls(tls).tlsPort(0));
        Socket member = plain(server.tcpAddress());
        member.getOutputStream().write("/nick watcher\n".getBytes(UTF_8));
        assertThat(nextLine(member)).isEqualTo("Server connected");
        assertThat(nextLine(member)).startsWith("* ");  // who is here
        assertThat(nextLine(member)).isEqualTo("* you are now watcher@127.0.0.1:" + member.getLocalPort());

        // nc -z: connects to the TLS port and leaves; and one that connects and says nothing.
        plain(server.tlsAddress()).close();
        Socket silent = plain(server.tlsAddress());
        SSLSocket secure = tlsClient(server.tlsAddress());
        assertThat(readLine(secure.getInputStream())).isEqualTo("Server connected");

        // The first notice the member sees is the TLS client's join, after its handshake: no join or
        // leave of the scanner, and /who lists two, not the silent connection.
        String joined = nextLine(member);
        assertThat(joined).isEqualTo("* 127.0.0.1:" + secure.getLocalPort() + " joined");
        member.getOutputStream().write("/who\n".getBytes(UTF_8));
        assertThat(nextLine(member)).isEqualTo("* 2 here:");
        assertThat(List.of(nextLine(member), nextLine(member))).doesNotContain(
                "*   127.0.0.1:" + silent.getLocalPort());
        assertThat(out.lines()).isEmpty();
    }

    @Test
    void withACertificateThePlainPortTakesTlsTooToldByTheFirstBytes() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().tls(tls).tlsPort(0));
        // TLS on the plain port.
        SSLSocket secure = tlsClient(server.tcpAddress());
        assertThat(readLine(secure.getInputStream())).isEqualTo("Server connected");
        secure.getOutputStream().write("tls on the plain port\n".getBytes(UTF_8));
        assertThat(out.awaitCount(1, WAIT)).containsExactly("127.0.0.1 : tls on the plain port");

        // A plain client that speaks first.
        Socket speaker = plain(server.tcpAddress());
        speaker.getOutputStream().write("plain first\n".getBytes(UTF_8));
        assertThat(readLine(speaker.getInputStream())).isEqualTo("Server connected");
        assertThat(out.awaitCount(2, WAIT)).contains("127.0.0.1 : plain first");

        // The seed programs' client: waits for the greeting before it says anything.
        Socket seed = plain(server.tcpAddress());
        long began = System.nanoTime();
        assertThat(readLine(seed.getInputStream())).isEqualTo("Server connected");
        assertThat(Duration.ofNanos(System.nanoTime() - began)).isLessThan(WAIT);
        seed.getOutputStream().write("seed waited\n".getBytes(UTF_8));
        assertThat(out.awaitCount(3, WAIT)).contains("127.0.0.1 : seed waited");
        assertThat(server.stats().tlsHandshakeFailures()).isZero();
    }

    @Test
    void withoutACertificateATlsHelloGetsOnePlainLineAndNothingIsPrinted() throws Exception {
        ChatServer server = start(ChatServerConfig.builder());
        Socket member = plain(server.tcpAddress());
        assertThat(readLine(member.getInputStream())).isEqualTo("Server connected");
        readLine(member.getInputStream()); // who is here

        Socket wrong = plain(server.tcpAddress());
        wrong.getOutputStream().write(CLIENT_HELLO_START);
        assertThat(readLine(wrong.getInputStream())).isEqualTo("Server connected");
        assertThat(readLine(wrong.getInputStream())).startsWith("* 1 other here: ");
        assertThat(readLine(wrong.getInputStream())).isEqualTo(
                new String(TlsDetector.NO_TLS_HERE, UTF_8).strip());
        assertThat(wrong.getInputStream().read()).as("closed after the line").isEqualTo(-1);

        member.getOutputStream().write("after\n".getBytes(UTF_8));
        assertThat(out.awaitCount(1, WAIT)).containsExactly("127.0.0.1 : after");
        // The member heard the prober come and go, never its bytes.
        member.setSoTimeout(500);
        List<String> heard = new ArrayList<>();
        try {
            for (String line; (line = readLine(member.getInputStream())) != null; ) {
                heard.add(line);
            }
        } catch (java.net.SocketTimeoutException done) {
            // all read
        }
        assertThat(heard).allMatch(line -> line.startsWith("* 127.0.0.1:" + wrong.getLocalPort()));
    }

    @Test
    void aTlsHelloAfterThePlainGreetingIsRefusedInPlainWords() throws Exception {
        ChatServer server = start(ChatServerConfig.builder().tls(tls).tlsPort(0));
        Socket late = plain(server.tcpAddress());
        assertThat(readLine(late.getInputStream())).isEqualTo("Server connected");
        assertThat(readLine(late.getInputStream())).isEqualTo("* you are the only one here; /help lists the commands");
        late.getOutputStream().write(CLIENT_HELLO_START);
        assertThat(readLine(late.getInputStream())).startsWith("TLS must start at once");
        assertThat(late.getInputStream().read()).isEqualTo(-1);
        assertThat(out.lines()).isEmpty();
    }
}
