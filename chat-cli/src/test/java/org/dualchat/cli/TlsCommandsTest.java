package org.dualchat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.tls.ServerTls;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The TLS options of {@code server} and {@code send tcp}: usage errors, file errors, and each way of trusting. */
@Timeout(60)
class TlsCommandsTest {

    private static ServerTls selfSigned;

    private final ByteArrayOutputStream printed = new ByteArrayOutputStream();
    private ChatServer server;

    @TempDir
    Path dir;

    @BeforeAll
    static void makeCertificate() throws IOException {
        selfSigned = ServerTls.selfSigned();
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.close();
        }
    }

    /** A server with the self-signed certificate on its TCP port; returns the port. */
    private String tlsServer() throws IOException {
        server = new ChatServer(ChatServerConfig.builder().udpPort(0).tcpPort(0).tls(selfSigned).build(),
                new PrintingSink(printed, MessageFormat.PLAIN));
        server.start();
        return Integer.toString(server.tlsAddress().getPort());
    }

    private String printed() {
        server.close();
        return printed.toString(StandardCharsets.UTF_8);
    }

    private static void assertUsageError(String expected, String... args) {
        CliRun cli = CliRun.withInput("");
        assertThat(cli.run(args)).as("exit code").isEqualTo(DualchatCli.USAGE);
        assertThat(cli.err()).startsWith("dualchat: " + expected).hasLineCount(1);
    }

    private static void assertFailure(String expected, String... args) {
        CliRun cli = CliRun.withInput("");
        assertThat(cli.run(args)).as("exit code").isEqualTo(DualchatCli.FAILURE);
        assertThat(cli.err()).isEqualTo("dualchat: " + expected + "\n");
    }

    @Test
    void serverOptionsThatDoNotGoTogetherAreUsageErrors() {
        assertUsageError("--tls-key needs --tls-cert", "server", "--tls-key", "key.pem");
        assertUsageError("--tls-port needs --tls-cert or --tls-self-signed", "server", "--tls-port", "2223");
        assertUsageError("--tls-self-signed and --tls-cert exclude each other",
                "server", "--tls-self-signed", "--tls-cert", "cert.pem");
        assertUsageError("Invalid value for option '--tls-port': 2222 (expected: other than --tcp-port)",
                "server", "--tls-self-signed", "--tls-port", "2222");
        assertUsageError("Invalid value for option '--tls-port': 70000 (expected: 0-65535)",
                "server", "--tls-self-signed", "--tls-port", "70000");
    }

    @Test
    void unusableCertificateFilesAreOneLineAndExitOne() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Path missing = dir.resolve("missing.key");
        assertFailure("cannot read TLS certificate file " + cert + ": no such file",
                "server", "--udp-port", "0", "--tcp-port", "0", "--tls-cert", cert.toString(), "--tls-key", missing.toString());

        Files.writeString(cert, "-----BEGIN CERTIFICATE-----\n" + java.util.Base64.getMimeEncoder()
                .encodeToString(selfSigned.certificate().getEncoded()) + "\n-----END CERTIFICATE-----\n");
        assertFailure("cannot read TLS key file " + missing + ": no such file",
                "server", "--udp-port", "0", "--tcp-port", "0", "--tls-cert", cert.toString(), "--tls-key", missing.toString());
        assertFailure("cannot read TLS key file " + cert + ": no private key in it"
                        + " (expected PEM: -----BEGIN PRIVATE KEY-----); give the key file with --tls-key",
                "server", "--udp-port", "0", "--tcp-port", "0", "--tls-cert", cert.toString());
    }

    @Test
    void sendTcpInsecureTakesASelfSignedServerAndWarnsOnce() throws Exception {
        String port = tlsServer();
        CliRun cli = CliRun.withInput("one\ntwo\n");
        assertThat(cli.run("send", "tcp", "127.0.0.1", "-p", port, "--insecure")).isZero();
        assertThat(cli.err()).hasLineCount(1).startsWith("dualchat: warning: --insecure: the server's certificate is not checked");
        assertThat(cli.out()).isEqualTo("Server connected\n* you are the only one here; /help lists the commands\n");
        assertThat(printed()).isEqualTo("127.0.0.1 : one\n127.0.0.1 : two\n");
    }

    @Test
    void sendTcpTlsRefusesASelfSignedServerAndSaysWhatToDo() throws Exception {
        String port = tlsServer();
        CliRun cli = CliRun.withInput("");
        assertThat(cli.run("send", "tcp", "127.0.0.1", "-p", port, "--tls", "-m", "not sent")).isEqualTo(DualchatCli.FAILURE);
        assertThat(cli.err()).hasLineCount(1)
                .startsWith("dualchat: TLS handshake with 127.0.0.1:" + port + " failed: the server's certificate was refused: ")
                .endsWith(" (a self-signed server? check its fingerprint with --tls-fingerprint, or skip the check"
                        + " with --insecure)\n");
        assertThat(cli.out()).isEmpty();
        assertThat(printed()).isEmpty();
    }

    @Test
    void sendTcpWithTheFingerprintTakesThatServerOnly() throws Exception {
        String port = tlsServer();
        CliRun pinned = CliRun.withInput("");
        assertThat(pinned.run("send", "tcp", "localhost", "-p", port, "--tls-fingerprint", selfSigned.fingerprint(),
                "-m", "pinned")).isZero();
        assertThat(pinned.err()).isEmpty();

        CliRun other = CliRun.withInput("");
        assertThat(other.run("send", "tcp", "127.0.0.1", "-p", port,
                "--tls-fingerprint", ServerTls.selfSigned().fingerprint(), "-m", "not sent")).isEqualTo(DualchatCli.FAILURE);
        assertThat(other.err()).hasLineCount(1).contains("the server's certificate was refused");
        assertThat(printed()).isEqualTo("127.0.0.1 : pinned\n");
    }

    @Test
    void sendTcpTlsOptionsThatDoNotGoTogetherAreUsageErrors() {
        assertUsageError("--insecure and --tls-fingerprint exclude each other",
                "send", "tcp", "127.0.0.1", "--insecure", "--tls-fingerprint", selfSigned.fingerprint());
        assertUsageError("Invalid value for option '--tls-fingerprint': not a SHA-256 fingerprint: 'abc'",
                "send", "tcp", "127.0.0.1", "--tls-fingerprint", "abc");
    }
}
