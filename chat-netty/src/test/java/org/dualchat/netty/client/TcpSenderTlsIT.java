package org.dualchat.netty.client;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import org.bouncycastle.openssl.jcajce.JcaPKCS8Generator;
import org.dualchat.core.ChatMessage;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.testing.ServerExtension;
import org.dualchat.netty.testing.TestPki;
import org.dualchat.netty.tls.ServerTls;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** {@link TcpSender} over TLS against a real server: what each way of checking the certificate accepts. */
@Timeout(60)
class TcpSenderTlsIT {

    private static final Duration WAIT = Duration.ofSeconds(10);
    /** The line a joiner gets after the greeting, alone in the room. */
    private static final String ONLY_ONE_HERE = "* you are the only one here; /help lists the commands";

    private static ServerTls selfSigned;

    private final CollectingSink atServer = new CollectingSink();
    private ChatServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificate() throws IOException {
        selfSigned = ServerTls.selfSigned();
    }

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    private int start(ServerTls tls) throws IOException {
        // No history: each chat here is the whole conversation, as a client sees it (history is HistoryIT's).
        server = servers.start(config -> config.tls(tls).tlsPort(0).history(0), atServer);
        return server.tlsAddress().getPort();
    }

    /** Connects, sends {@code text}, and finishes as {@code send tcp} does; returns what the server said. */
    private static List<String> chat(String host, int port, ClientTls tls, String text) throws Exception {
        CollectingSink atClient = new CollectingSink();
        try (TcpSender sender = TcpSender.connect(host, port, atClient, tls)) {
            sender.send(text);
            sender.finish(WAIT);
        }
        return atClient.texts();
    }

    @Test
    void theJdkTrustStoreRefusesASelfSignedCertificateInOneLine() throws Exception {
        int port = start(selfSigned);
        assertThatThrownBy(() -> TcpSender.connect("127.0.0.1", port, new CollectingSink(), ClientTls.verifying()))
                .isInstanceOf(IOException.class)
                .hasMessageStartingWith("TLS handshake with 127.0.0.1:" + port + " failed: the server's certificate was refused: ")
                .hasRootCauseInstanceOf(Exception.class)
                .satisfies(e -> assertThat(TlsFailure.find(e, CertificateException.class)).isTrue())
                .message().doesNotContain("\n");
        long deadline = System.nanoTime() + WAIT.toNanos();
        while (server.stats().tlsHandshakeFailures() == 0 && System.nanoTime() < deadline) {
            Thread.sleep(10);
        }
        assertThat(server.stats().tlsHandshakeFailures()).as("the server saw the refusal").isEqualTo(1);
        assertThat(atServer.texts()).isEmpty();
    }

    @Test
    void insecureTakesItAndChats() throws Exception {
        int port = start(selfSigned);
        assertThat(chat("127.0.0.1", port, ClientTls.insecure(), "hello over tls")).containsExactly("Server connected", ONLY_ONE_HERE);
        assertThat(atServer.take(WAIT)).extracting(ChatMessage::text).isEqualTo("hello over tls");
    }

    @Test
    void aPinnedFingerprintTakesThatCertificateOnly() throws Exception {
        int port = start(selfSigned);
        String colons = selfSigned.fingerprint();
        String bare = colons.replace(":", "").toLowerCase(java.util.Locale.ROOT);
        assertThat(chat("127.0.0.1", port, ClientTls.pinned(colons), "pinned")).containsExactly("Server connected", ONLY_ONE_HERE);
        assertThat(chat("localhost", port, ClientTls.pinned(bare), "pinned again")).containsExactly("Server connected", ONLY_ONE_HERE);

        String other = ServerTls.selfSigned().fingerprint();
        assertThatThrownBy(() -> TcpSender.connect("127.0.0.1", port, new CollectingSink(), ClientTls.pinned(other)))
                .hasMessageContaining("the server's certificate was refused");
        assertThat(atServer.texts()).containsExactly("pinned", "pinned again");
    }

    @Test
    void aTrustedCertificateMustAlsoBeForTheHostConnectedTo() throws Exception {
        KeyPair keys = TestPki.ec();
        X509Certificate cert = TestPki.certificate(keys, "localhost");
        int port = start(ServerTls.fromPemFiles(TestPki.pem(dir.resolve("cert.pem"), cert),
                TestPki.pem(dir.resolve("key.pem"), new JcaPKCS8Generator(keys.getPrivate(), null))));

        assertThat(chat("localhost", port, ClientTls.trusting(cert), "right name")).containsExactly("Server connected", ONLY_ONE_HERE);
        assertThatThrownBy(() -> TcpSender.connect("127.0.0.1", port, new CollectingSink(), ClientTls.trusting(cert)))
                .hasMessageStartingWith("TLS handshake with 127.0.0.1:" + port + " failed: the server's certificate was refused: ")
                .hasMessageContaining("127.0.0.1");
        assertThat(atServer.texts()).containsExactly("right name");
    }

    @Test
    void aPlainServerIsNamedAsSuch() throws Exception {
        server = servers.start(config -> { }, atServer);
        int port = server.tcpAddress().getPort();
        assertThatThrownBy(() -> TcpSender.connect("127.0.0.1", port, new CollectingSink(), ClientTls.insecure()))
                .hasMessage("TLS handshake with 127.0.0.1:" + port + " failed: the server does not speak TLS on this port");
    }

    @Test
    void aHundredThousandLinesArriveInOrderOverTls() throws Exception {
        int port = start(selfSigned);
        try (TcpSender sender = TcpSender.connect("127.0.0.1", port, new CollectingSink(), ClientTls.insecure())) {
            for (int i = 1; i <= 100_000; i++) {
                sender.send(Integer.toString(i));
            }
            sender.finish(WAIT);
            assertThat(sender.closed()).isCompleted();
        }
        server.close();
        List<ChatMessage> received = atServer.drain();
        assertThat(received).hasSize(100_000);
        for (int i = 0; i < received.size(); i++) {
            assertThat(received.get(i).text()).isEqualTo(Integer.toString(i + 1));
        }
    }
}
