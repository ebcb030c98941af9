package org.dualchat.netty.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dualchat.netty.testing.ServerExtension.readLine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.security.KeyStore;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.LogCapture;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS for TCP over real loopback sockets: TLS and plain clients in one room, and clients that are not TLS. */
@Timeout(60)
class TlsIT {

    private static final Duration WAIT = ServerExtension.WAIT;

    private static ServerTls tls;

    @RegisterExtension
    final ServerExtension servers = ServerExtension.withDefaults(config -> config.partialLineTimeout(Duration.ZERO));

    @BeforeAll
    static void makeCertificate() throws IOException {
        tls = ServerTls.selfSigned();
    }

    private Socket plain(InetSocketAddress address) throws IOException {
        Socket socket = servers.closeAfterEach(new Socket(InetAddress.getLoopbackAddress(), address.getPort()));
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    /** A JDK client that trusts the server's certificate and checks that it is for 127.0.0.1. */
    private SSLSocket tlsClient(InetSocketAddress address) throws Exception {
        KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("dualchat", tls.certificate());
        TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, trust.getTrustManagers(), null);
        SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", address.getPort());
        SSLParameters parameters = socket.getSSLParameters();
        parameters.setEndpointIdentificationAlgorithm("HTTPS");
        socket.setSSLParameters(parameters);
        socket.setSoTimeout((int) WAIT.toMillis());
        servers.closeAfterEach(socket);
        socket.startHandshake();
        return socket;
    }

    /** Reads until the server closes; a reset counts as closed too, since the client had sent unread bytes. */
    private static boolean closedByServer(Socket socket) {
        try {
            InputStream in = socket.getInputStream();
            while (in.read() != -1) {
                // what a plain client gets before the close is of no interest
            }
            return true;
        } catch (SocketException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void aTlsAndAPlainClientAreGreetedAndShareOneRoom() throws Exception {
        LineCollector out = LineCollector.open();
        ChatServer server = servers.start(config -> config.tls(tls).tlsPort(0), out);
        assertThat(server.tlsAddress().getPort()).isPositive().isNotEqualTo(server.tcpAddress().getPort());

        Socket plain = plain(server.tcpAddress());
        SSLSocket secure = tlsClient(server.tlsAddress());
        assertThat(readLine(plain.getInputStream())).isEqualTo("Server connected");
        // Sent once the handshake is done, encrypted like everything after it.
        assertThat(readLine(secure.getInputStream())).isEqualTo("Server connected");
        assertThat(secure.getSession().getProtocol()).isIn("TLSv1.3", "TLSv1.2");

        secure.getOutputStream().write("over tls\n".getBytes(UTF_8));
        plain.getOutputStream().write("over plain tcp\n".getBytes(UTF_8));
        secure.getOutputStream().write("é and 🎉 over tls\n".getBytes(UTF_8));
        assertThat(out.awaitCount(3, WAIT)).containsExactlyInAnyOrder(
                "127.0.0.1 : over tls", "127.0.0.1 : over plain tcp", "127.0.0.1 : é and 🎉 over tls");
        assertThat(server.stats().tlsHandshakeFailures()).isZero();
    }

    @Test
    void aPlainClientOnTheTlsPortIsClosedAndCountedAndTheServerGoesOn() throws Exception {
        LineCollector out = LineCollector.open();
        try (LogCapture log = LogCapture.start()) {
            ChatServer server = servers.start(config -> config.tls(tls).tlsPort(0), out);
            Socket wrong = plain(server.tlsAddress());
            wrong.getOutputStream().write("hello in plain text\n".getBytes(UTF_8));
            // A courteous plain line, not TLS alert bytes, then the end.
            assertThat(readLine(wrong.getInputStream())).startsWith("This port speaks TLS only");
            assertThat(wrong.getInputStream().read()).isEqualTo(-1);

            Socket silent = plain(server.tlsAddress());
            silent.close(); // a port scanner: connects, says nothing, leaves

            long deadline = System.nanoTime() + WAIT.toNanos();
            while (server.stats().tlsHandshakeFailures() < 2 && System.nanoTime() < deadline) {
                Thread.sleep(10);
            }
            assertThat(server.stats().tlsHandshakeFailures()).isEqualTo(2);

            // The server goes on, on both ports.
            tlsClient(server.tlsAddress()).getOutputStream().write("still serving tls\n".getBytes(UTF_8));
            plain(server.tcpAddress()).getOutputStream().write("still serving tcp\n".getBytes(UTF_8));
            assertThat(out.awaitCount(2, WAIT)).containsExactlyInAnyOrder(
                    "127.0.0.1 : still serving tls", "127.0.0.1 : still serving tcp");
            assertThat(log.warnings()).isEmpty();
        }
    }

    @Test
    void withoutATlsPortTheTcpPortTakesTlsClientsOnly() throws Exception {
        LineCollector out = LineCollector.open();
        ChatServer server = servers.start(config -> config.tls(tls), out);
        assertThat(server.tlsAddress()).isEqualTo(server.tcpAddress());

        SSLSocket secure = tlsClient(server.tcpAddress());
        assertThat(readLine(secure.getInputStream())).isEqualTo("Server connected");
        secure.getOutputStream().write("tls on the tcp port\n".getBytes(UTF_8));
        assertThat(out.awaitCount(1, WAIT)).containsExactly("127.0.0.1 : tls on the tcp port");

        Socket wrong = plain(server.tcpAddress());
        wrong.getOutputStream().write("plain\n".getBytes(UTF_8));
        assertThat(closedByServer(wrong)).isTrue();
        assertThat(out.lines()).containsExactly("127.0.0.1 : tls on the tcp port");
    }

    @Test
    void aTlsHalfCloseDeliversThePartialLineAndTheServerCloses() throws Exception {
        LineCollector out = LineCollector.open();
        ChatServer server = servers.start(config -> config.tls(tls), out);
        SSLSocket secure = tlsClient(server.tlsAddress());
        assertThat(readLine(secure.getInputStream())).isEqualTo("Server connected");
        assertThat(readLine(secure.getInputStream())).endsWith("/help lists the commands");
        OutputStream o = secure.getOutputStream();
        o.write("whole\nno newline".getBytes(UTF_8));
        o.flush();
        // close_notify, the TLS 1.3 half-close: the server prints what is left and closes its side.
        secure.shutdownOutput();
        assertThat(secure.getInputStream().read()).isEqualTo(-1);
        assertThat(out.awaitCount(2, WAIT)).containsExactly("127.0.0.1 : whole", "127.0.0.1 : no newline");
    }

    @Test
    void closePrintsThePartialLinesOfTlsClients() throws Exception {
        LineCollector out = LineCollector.open();
        ChatServer server = servers.start(config -> config.tls(tls).tlsPort(0), out);
        for (int c = 0; c < 5; c++) {
            SSLSocket secure = tlsClient(server.tlsAddress());
            assertThat(readLine(secure.getInputStream())).isEqualTo("Server connected");
            secure.getOutputStream().write(("typing " + c).getBytes(UTF_8));
        }
        Thread.sleep(300); // let the server read and decrypt what is on the wire
        server.close();
        assertThat(out.lines()).hasSize(5).allMatch(line -> line.startsWith("127.0.0.1 : typing "));
    }

    @Test
    void tlsAddressSaysWhenThereIsNoTls() throws Exception {
        ChatServer server = servers.start(config -> { }, LineCollector.open());
        assertThatThrownBy(server::tlsAddress).isInstanceOf(IllegalStateException.class);
    }
}
