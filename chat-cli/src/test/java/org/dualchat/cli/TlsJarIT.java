package org.dualchat.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.dualchat.netty.testing.JarProcesses.assertNoStackTrace;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.dualchat.netty.testing.JarProcess;
import org.dualchat.netty.testing.JarProcesses;
import org.dualchat.netty.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS with the shaded jar as a user runs it: {@code dualchat server --tls-...} with OpenSSL's and ncat's
 * TLS clients, and {@code dualchat send tcp --tls|--insecure|--tls-fingerprint}, all as processes.
 */
@Timeout(90)
class TlsJarIT {

    private static final Pattern TLS = Pattern.compile("TLS on TCP \\S+:(\\d+)\\b.*SHA-256 fingerprint ([0-9A-F:]{95})");
    private static final Duration WAIT = JarProcesses.WAIT;

    @RegisterExtension
    final JarProcesses dualchat = new JarProcesses();

    @TempDir
    Path dir;

    /** A running server: its process and the ports and fingerprint it logged. */
    private record Server(JarProcess process, int tcpPort, int tlsPort, String fingerprint) {
        Path stdout() {
            return process.stdoutFile();
        }

        Path stderr() {
            return process.stderrFile();
        }
    }

    private Server server(String... args) throws Exception {
        JarProcess process = dualchat.startServer(prepend("server", args));
        Matcher tls = process.awaitLog(TLS);
        return new Server(process, process.tcpPort(), Integer.parseInt(tls.group(1)), tls.group(2));
    }

    private static String[] prepend(String first, String... rest) {
        String[] all = new String[rest.length + 1];
        all[0] = first;
        System.arraycopy(rest, 0, all, 1, rest.length);
        return all;
    }

    /** Runs {@code dualchat send tcp 127.0.0.1 ARGS} to the end; returns exit code, stdout and stderr. */
    private String[] send(List<String> jvmOptions, String host, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("send", "tcp", host));
        command.addAll(List.of(args));
        JarProcesses.Result result = dualchat.run(jvmOptions, command.toArray(new String[0]));
        return new String[] {Integer.toString(result.exitCode()), result.stdout(), result.stderr()};
    }

    private static String await(Path file, Predicate<String> condition) throws Exception {
        return JarProcesses.await(file, condition);
    }

    /** Runs a command line in the test's directory, bounded in time; checks it exits 0 and returns its stdout. */
    private String shell(String commandLine) throws Exception {
        return dualchat.shellSucceeding(dir, commandLine);
    }

    /** {@code openssl s_client}, stdin kept open, stdout read line by line. */
    private Process sClient(int port, String... options) throws IOException {
        List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-quiet", "-no_ign_eof"));
        command.addAll(List.of(options));
        command.addAll(List.of("-connect", "127.0.0.1:" + port));
        return dualchat.track(new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start());
    }

    @Test
    void opensslAndNcatChatOverTlsInTheRoomOfAPlainClient() throws Exception {
        Tools.require("openssl", "openssl");
        Tools.require("ncat", "ncat");
        Server server = server("--tls-self-signed", "--tls-port", "0");
        assertThat(server.tlsPort()).isNotEqualTo(server.tcpPort());

        Process openssl = sClient(server.tlsPort());
        BufferedReader fromOpenssl = new BufferedReader(new InputStreamReader(openssl.getInputStream(), UTF_8));
        assertThat(fromOpenssl.readLine()).isEqualTo("Server connected");
        try (Socket plain = new Socket("127.0.0.1", server.tcpPort())) {
            plain.setSoTimeout((int) WAIT.toMillis());
            assertThat(new BufferedReader(new InputStreamReader(plain.getInputStream(), UTF_8)).readLine())
                    .isEqualTo("Server connected");
            OutputStream toOpenssl = openssl.getOutputStream();
            toOpenssl.write("typed into openssl\n".getBytes(UTF_8));
            toOpenssl.flush();
            plain.getOutputStream().write("typed into a plain socket\n".getBytes(UTF_8));
            await(server.stdout(), text -> text.split("\n").length >= 2);
        }
        // The end of its input: s_client sends close_notify, the server closes, s_client exits.
        openssl.getOutputStream().close();
        assertThat(openssl.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("s_client ended").isTrue();

        assertThat(shell("printf 'via ncat --ssl\\n' | ncat --ssl 127.0.0.1 " + server.tlsPort()))
                .matches(DualchatJarIT.GREETED);
        String printed = await(server.stdout(), text -> text.split("\n").length >= 3);
        assertThat(printed.split("\n")).containsExactlyInAnyOrder("127.0.0.1 : typed into openssl",
                "127.0.0.1 : typed into a plain socket", "127.0.0.1 : via ncat --ssl");
        String log = server.process().stderr();
        assertThat(log).contains("Made a self-signed TLS certificate", "--tls-fingerprint " + server.fingerprint());
        assertNoStackTrace(log);
        assertThat(log).doesNotContain("WARN", "ERROR");
    }

    @Test
    void sendTcpOverTlsAgainstTheDevelopmentServer() throws Exception {
        // No --tls-port: the TCP port itself takes TLS clients only.
        Server server = server("--tls-self-signed");
        assertThat(server.tlsPort()).isEqualTo(server.tcpPort());
        String port = Integer.toString(server.tlsPort());

        String[] insecure = send(List.of(), "127.0.0.1", "-p", port, "--insecure", "-m", "insecure but encrypted");
        assertThat(insecure[0]).isEqualTo("0");
        assertThat(insecure[1]).matches(DualchatJarIT.GREETED);
        assertThat(insecure[2]).startsWith("dualchat: warning: --insecure:").hasLineCount(1);

        String[] pinned = send(List.of(), "localhost", "-p", port, "--tls-fingerprint", server.fingerprint(), "-m", "pinned");
        assertThat(pinned[0]).isEqualTo("0");
        assertThat(pinned[1]).matches(DualchatJarIT.GREETED);
        assertThat(pinned[2]).isEmpty();

        String[] refused = send(List.of(), "127.0.0.1", "-p", port, "--tls", "-m", "never sent");
        assertThat(refused[0]).isEqualTo("1");
        assertThat(refused[2]).hasLineCount(1).startsWith("dualchat: TLS handshake with 127.0.0.1:" + port
                + " failed: the server's certificate was refused: ").contains("--insecure");
        assertNoStackTrace(refused[2]);

        // A plain client is closed, and the server goes on.
        try (Socket plain = new Socket("127.0.0.1", server.tcpPort())) {
            plain.setSoTimeout((int) WAIT.toMillis());
            plain.getOutputStream().write("plain text\n".getBytes(UTF_8));
            try {
                plain.getInputStream().readAllBytes();
            } catch (java.net.SocketException e) {
                // reset: the server closed with the client's bytes unread; closed all the same
            }
        }
        assertThat(send(List.of(), "127.0.0.1", "-p", port, "--insecure", "-m", "after")[0]).isEqualTo("0");
        String printed = await(server.stdout(), text -> text.contains("after"));
        assertThat(printed).isEqualTo("127.0.0.1 : insecure but encrypted\n127.0.0.1 : pinned\n127.0.0.1 : after\n");
        String log = server.process().stderr();
        assertThat(log).contains("(this port takes TLS clients only)");
        assertNoStackTrace(log);
        assertThat(log).doesNotContain("WARN", "ERROR");
    }

    @Test
    void certificatesAndKeysMadeByOpensslAreServedAndVerified() throws Exception {
        Tools.require("openssl", "openssl");
        // RSA with a PKCS#8 key (OpenSSL 3's default), turned into PKCS#1; EC with a SEC1 key.
        shell("openssl req -x509 -newkey rsa:2048 -nodes -keyout rsa.key -out rsa.crt -days 2"
                + " -subj /CN=localhost -addext subjectAltName=DNS:localhost");
        shell("openssl rsa -in rsa.key -traditional -out rsa-pkcs1.key");
        shell("openssl ecparam -genkey -name prime256v1 -out ec.key");
        shell("openssl req -x509 -new -key ec.key -out ec.crt -days 2 -subj /CN=localhost"
                + " -addext subjectAltName=DNS:localhost");
        assertThat(Files.readString(dir.resolve("rsa.key"))).startsWith("-----BEGIN PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve("rsa-pkcs1.key"))).startsWith("-----BEGIN RSA PRIVATE KEY-----");
        assertThat(Files.readString(dir.resolve("ec.key"))).contains("-----BEGIN EC PRIVATE KEY-----");

        for (String[] files : new String[][] {{"rsa.crt", "rsa.key"}, {"rsa.crt", "rsa-pkcs1.key"}, {"ec.crt", "ec.key"}}) {
            Server server = server("--tls-cert", dir.resolve(files[0]).toString(), "--tls-key", dir.resolve(files[1]).toString());
            String fingerprint = shell("openssl x509 -in " + files[0] + " -noout -fingerprint -sha256");
            assertThat(fingerprint.strip()).endsWith("=" + server.fingerprint());
            // OpenSSL checks the chain against the certificate itself, and the name.
            Process openssl = sClient(server.tlsPort(), "-CAfile", dir.resolve(files[0]).toString(),
                    "-verify_return_error", "-verify_hostname", "localhost");
            BufferedReader fromOpenssl = new BufferedReader(new InputStreamReader(openssl.getInputStream(), UTF_8));
            assertThat(fromOpenssl.readLine()).as("greeting over %s", files[1]).isEqualTo("Server connected");
            openssl.getOutputStream().write(("verified with " + files[1] + "\n").getBytes(UTF_8));
            openssl.getOutputStream().close();
            assertThat(openssl.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
            assertThat(openssl.exitValue()).isZero();
            assertThat(await(server.stdout(), text -> !text.isEmpty())).isEqualTo("127.0.0.1 : verified with " + files[1] + "\n");
        }
    }

    @Test
    void sendTcpTlsChecksTheTrustStoreAndTheName() throws Exception {
        Path keytool = Paths.get(System.getProperty("java.home"), "bin", "keytool");
        Tools.require("openssl", "openssl");
        Tools.require(keytool, "openjdk-17-jdk-headless");
        shell("openssl req -x509 -newkey rsa:2048 -nodes -keyout key.pem -out cert.pem -days 2"
                + " -subj /CN=localhost -addext subjectAltName=DNS:localhost");
        // A trust store of one's own, as for a private CA: the JDK's default one is left alone.
        shell(keytool + " -importcert -noprompt -storetype PKCS12 -keystore trust.p12 -storepass changeit"
                + " -alias dualchat -file cert.pem");
        Server server = server("--tls-cert", dir.resolve("cert.pem").toString(), "--tls-key", dir.resolve("key.pem").toString());
        String port = Integer.toString(server.tlsPort());
        List<String> trustStore = List.of("-Djavax.net.ssl.trustStore=" + dir.resolve("trust.p12"),
                "-Djavax.net.ssl.trustStorePassword=changeit");

        String[] trusted = send(trustStore, "localhost", "-p", port, "--tls", "-m", "trusted, right name");
        assertThat(trusted[0]).isEqualTo("0");
        assertThat(trusted[1]).matches(DualchatJarIT.GREETED);
        assertThat(trusted[2]).isEmpty();
        String[] wrongName = send(trustStore, "127.0.0.1", "-p", port, "--tls", "-m", "never sent");
        assertThat(wrongName[0]).isEqualTo("1");
        assertThat(wrongName[2]).hasLineCount(1).contains("the server's certificate was refused", "127.0.0.1",
                "connect by a name the certificate is for");
        assertThat(await(server.stdout(), text -> !text.isEmpty())).isEqualTo("127.0.0.1 : trusted, right name\n");
    }

    @Test
    void anUnreadableKeyFileExitsOneWithOneLine() throws Exception {
        Path cert = dir.resolve("cert.pem");
        Files.writeString(cert, "not a certificate\n");
        JarProcesses.Result server = dualchat.run(List.of(), "--udp-port", "0", "--tcp-port", "0",
                "--tls-cert", cert.toString(), "--tls-key", dir.resolve("absent.key").toString());
        assertThat(server.exitCode()).isEqualTo(1);
        String err = server.stderr();
        assertThat(err).isEqualTo("dualchat: cannot read TLS certificate file " + cert
                + ": no certificate in it (expected PEM: -----BEGIN CERTIFICATE-----)" + System.lineSeparator());
        assertThat(server.stdout()).isEmpty();
    }
}
