package org.dualchat.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.dualchat.netty.testing.JarProcesses.assertNoStackTrace;
import static org.dualchat.netty.testing.JarProcesses.jar;
import static org.dualchat.netty.testing.JarProcesses.java;
import static org.dualchat.netty.testing.ServerExtension.readLine;
import static org.dualchat.netty.testing.ServerExtension.sendUdp;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
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
import org.dualchat.netty.testing.Loopback;
import org.dualchat.netty.testing.Tools;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The shaded jar as a user runs it: {@code java -jar dualchat.jar}, real sockets, real signals. */
@Timeout(60)
class DualchatJarIT {

    /**
     * The greeting and the joiner's line (who is here, /help), and the room's history if others have talked:
     * all a client that only says one line hears.
     */
    static final String GREETED = "Server connected\n\\* [^\n]*; /help lists the commands\n"
            + "(\\* last (\\d+ messages|message):\n(\\[\\d\\d:\\d\\d:\\d\\d\\] [^\n]*\n)+\\* end of history\n)?";

    private static final Duration WAIT = JarProcesses.WAIT;

    @RegisterExtension
    final JarProcesses dualchat = new JarProcesses();

    @Test
    void theConsoleAndEveryClientShareOneRoom() throws Exception {
        JarProcess server = dualchat.startServerWithStdin();
        try (Socket alice = new Socket("127.0.0.1", server.tcpPort())) {
            alice.setSoTimeout((int) WAIT.toMillis());
            assertThat(readLine(alice.getInputStream())).isEqualTo("Server connected");
            assertThat(readLine(alice.getInputStream())).endsWith("/help lists the commands");
            Socket bob = new Socket("::1", server.tcpPort());
            bob.setSoTimeout((int) WAIT.toMillis());
            assertThat(readLine(bob.getInputStream())).isEqualTo("Server connected");
            assertThat(readLine(bob.getInputStream())).endsWith("/help lists the commands");
            assertThat(readLine(alice.getInputStream())).isEqualTo("* [::1]:" + bob.getLocalPort() + " joined");

            bob.getOutputStream().write("hi alice\n".getBytes(UTF_8));
            assertThat(readLine(alice.getInputStream())).isEqualTo("::1 : hi alice");
            sendUdp("127.0.0.1", server.udpPort(), "a datagram");
            assertThat(readLine(alice.getInputStream())).isEqualTo("127.0.0.1 : a datagram");
            assertThat(readLine(bob.getInputStream())).isEqualTo("127.0.0.1 : a datagram");

            server.type("hello from the console");
            assertThat(readLine(alice.getInputStream())).isEqualTo("server : hello from the console");
            assertThat(readLine(bob.getInputStream())).isEqualTo("server : hello from the console");

            // The end of the console's input does not end the server.
            server.closeStdin();
            bob.getOutputStream().write("still here\n".getBytes(UTF_8));
            assertThat(readLine(alice.getInputStream())).isEqualTo("::1 : still here");
            bob.close();
        }
        assertThat(server.awaitStdout(text -> text.contains("::1 : still here\n"))).isEqualTo(
                "::1 : hi alice\n127.0.0.1 : a datagram\nserver : hello from the console\n::1 : still here\n");
        assertThat(server.stop()).isZero();
        assertThat(server.stderr()).contains("joined", "left");
    }

    @Test
    void printsBothProtocolsAndOnSigtermPrintsEverythingThenExitsZero() throws Exception {
        JarProcess server = dualchat.startServer();
        sendUdp("127.0.0.1", server.udpPort(), "hello\n");
        sendUdp("::1", server.udpPort(), "hello six");
        try (Socket tcp = new Socket("127.0.0.1", server.tcpPort())) {
            tcp.setSoTimeout((int) WAIT.toMillis());
            assertThat(readLine(tcp.getInputStream())).isEqualTo("Server connected");
            assertThat(readLine(tcp.getInputStream())).endsWith("/help lists the commands");
            OutputStream o = tcp.getOutputStream();
            o.write("hi\n".getBytes(UTF_8));
            server.awaitStdout(text -> text.contains("127.0.0.1 : hi\n"));
            // A line still being typed when the operator presses Ctrl-C is printed, not lost.
            o.write("still typing".getBytes(UTF_8));
            Thread.sleep(50);
            server.signal("TERM");
            assertThat(server.awaitExit()).isZero();
        }
        assertThat(server.stdout().split("\n")).containsExactlyInAnyOrder(
                "127.0.0.1 : hello", "::1 : hello six", "127.0.0.1 : hi", "127.0.0.1 : still typing");
        assertThat(server.stderr()).contains("Listening on", "SIGTERM");
        assertNoStackTrace(server.stderr());
    }

    @Test
    void theSeedsPythonSendersWorkAgainstIt() throws Exception {
        Tools.require("python3", "python3");
        JarProcess server = dualchat.startServer();
        // The seed article's senders, with the address and port as arguments instead of edited in.
        String udpSeed = "import socket,sys\n"
                + "server=socket.socket(socket.AF_INET,socket.SOCK_DGRAM)\n"
                + "server.connect((sys.argv[1],int(sys.argv[2])))\n"
                + "while(True):\n"
                + "    a=input()\n"
                + "    b=str.encode(a)\n"
                + "    server.send(b)\n";
        String tcpSeed = "import socket,sys\n"
                + "server=socket.socket()\n"
                + "server.connect((sys.argv[1],int(sys.argv[2])))\n"
                + "c=(server.recv(100))\n"
                + "print(c.decode(), flush=True)\n"
                + "while(True):\n"
                + "    a=input()\n"
                + "    b=str.encode(a)\n"
                + "    server.send(b)\n";
        Process udp = python(udpSeed, server.udpPort());
        Process tcp = python(tcpSeed, server.tcpPort());
        // A person starts typing once the sender shows the greeting, then types one line at a time.
        String greeting = new String(tcp.getInputStream().readNBytes("Server connected".length()), UTF_8);
        assertThat(greeting).isEqualTo("Server connected");
        for (String word : List.of("alpha", "beta")) {
            type(udp, "udp " + word);
            type(tcp, "tcp " + word);
            Thread.sleep(400);
        }
        String out = server.awaitStdout(text -> text.split("\n").length >= 4);
        assertThat(out.split("\n")).containsExactlyInAnyOrder(
                "127.0.0.1 : udp alpha", "127.0.0.1 : udp beta", "127.0.0.1 : tcp alpha", "127.0.0.1 : tcp beta");
    }

    @Test
    void ncNcatAndSocatAsAUserRunsThem() throws Exception {
        Tools.require("nc", "netcat-openbsd");
        Tools.require("ncat", "ncat");
        Tools.require("socat", "socat");
        JarProcess server = dualchat.startServer();
        shell("printf 'hello\\n' | nc -u -w1 127.0.0.1 " + server.udpPort());
        shell("printf 'six\\n' | socat - UDP6:[::1]:" + server.udpPort());
        // The server closes after the client's half-close, so ncat returns at once instead of hanging.
        long started = System.nanoTime();
        String ncat = shell("printf 'hi\\n' | ncat 127.0.0.1 " + server.tcpPort());
        long ncatMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(ncat).matches(GREETED);
        assertThat(ncatMillis).as("ncat returned after the server closed").isLessThan(5_000);
        assertThat(shell("printf 'via socat' | socat - TCP:127.0.0.1:" + server.tcpPort())).matches(GREETED);

        String out = server.awaitStdout(text -> text.split("\n").length >= 4);
        assertThat(out.split("\n")).containsExactlyInAnyOrder(
                "127.0.0.1 : hello", "::1 : six", "127.0.0.1 : hi", "127.0.0.1 : via socat");
    }

    @Test
    void sendTcpOnATerminalShowsServerTextAboveTheLineBeingTyped() throws Exception {
        Tools.require("tmux", "tmux");
        // A private tmux server, so that no tmux session of the user's is touched.
        String tmux = "tmux -L dualchat-it-" + ProcessHandle.current().pid();
        try (ServerSocket server = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            shell(tmux + " new-session -d -s chat -x 100 -y 12 '" + java() + " -jar " + jar()
                    + " send tcp 127.0.0.1 --port " + server.getLocalPort() + "; sleep 30'");
            try (Socket client = server.accept()) {
                client.setSoTimeout((int) WAIT.toMillis());
                OutputStream toClient = client.getOutputStream();
                toClient.write("Server connected\n".getBytes(UTF_8));
                // The prompt "> " (capture-pane drops trailing blanks).
                awaitPane(tmux, pane -> pane.lines().anyMatch(line -> line.strip().equals(">")));
                shell(tmux + " send-keys -t chat hel");
                awaitPane(tmux, pane -> pane.contains("> hel"));

                toClient.write("incoming while typing\n".getBytes(UTF_8));
                String pane = awaitPane(tmux, p -> p.contains("incoming while typing"));
                List<String> lines = pane.lines().map(String::stripTrailing).filter(l -> !l.isEmpty()).toList();
                assertThat(lines).containsExactly("Server connected", "incoming while typing", "> hel");

                // The half-typed line was kept whole: finishing it sends the whole word.
                shell(tmux + " send-keys -t chat lo Enter");
                assertThat(readLine(client.getInputStream())).isEqualTo("hello");
            } finally {
                shell(tmux + " kill-server");
            }
        }
    }

    @Test
    void theServerConsoleOnATerminalEditsItsLineAboveIncomingMessagesAndShowsItOnce() throws Exception {
        Tools.require("tmux", "tmux");
        String tmux = "tmux -L dualchat-console-" + ProcessHandle.current().pid();
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        try {
            shell(tmux + " new-session -d -s chat -x 140 -y 20 '" + java + " -jar " + jar()
                    + " --udp-port 0 --tcp-port 0; echo exited $?; sleep 30'");
            String started = awaitPane(tmux, p -> p.contains("Listening on UDP"));
            Matcher tcpPort = Pattern.compile("and TCP \\S*:(\\d+) ").matcher(started);
            assertThat(tcpPort.find()).as(started).isTrue();
            try (Socket client = new Socket(InetAddress.getLoopbackAddress(), Integer.parseInt(tcpPort.group(1)))) {
                client.setSoTimeout((int) WAIT.toMillis());
                assertThat(readLine(client.getInputStream())).isEqualTo("Server connected");
                assertThat(readLine(client.getInputStream())).endsWith("/help lists the commands");
                awaitPane(tmux, p -> p.lines().anyMatch(line -> line.strip().equals(">")));
                shell(tmux + " send-keys -t chat 'half typed'");
                awaitPane(tmux, p -> p.contains("> half typed"));

                client.getOutputStream().write("arrives mid-typing\n".getBytes(UTF_8));
                String pane = awaitPane(tmux, p -> p.contains("127.0.0.1 : arrives mid-typing"));
                // Above the line being typed, which is left whole.
                assertThat(pane).doesNotContain("half typed127.0.0.1").contains("> half typed");
                assertThat(pane.indexOf("127.0.0.1 : arrives mid-typing")).isLessThan(pane.indexOf("> half typed"));

                shell(tmux + " send-keys -t chat ' line' Enter");
                assertThat(readLine(client.getInputStream())).isEqualTo("server : half typed line");
                pane = awaitPane(tmux, p -> p.contains("server : half typed line"));
                assertThat(pane).as("the typed line shown once, as server : ...").doesNotContain("> half typed line");

                // Ctrl-C still stops the server, in order, with exit code 0.
                shell(tmux + " send-keys -t chat C-c");
                awaitPane(tmux, p -> p.contains("exited 0"));
            }
        } finally {
            shell(tmux + " kill-server");
        }
    }

    @Test
    void peerOnATerminalSaysWhereItListensAndSendsRatherThanABarePrompt() throws Exception {
        Tools.require("tmux", "tmux");
        String tmux = "tmux -L dualchat-peer-" + ProcessHandle.current().pid();
        String java = Paths.get(System.getProperty("java.home"), "bin", "java").toString();
        try (java.net.DatagramSocket other = new java.net.DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            shell(tmux + " new-session -d -s chat -x 160 -y 12 '" + java + " -jar " + jar()
                    + " peer 127.0.0.1 --port 0 --peer-port " + other.getLocalPort() + "; sleep 30'");
            String pane = awaitPane(tmux, p -> p.contains("Listening on UDP port"));
            assertThat(pane).contains("sending to 127.0.0.1:" + other.getLocalPort()).contains("Bye");
        } finally {
            shell(tmux + " kill-server");
        }
    }

    private String awaitPane(String tmux, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String pane = shell(tmux + " capture-pane -p -t chat");
        while (!condition.test(pane) && System.nanoTime() < deadline) {
            Thread.sleep(50);
            pane = shell(tmux + " capture-pane -p -t chat");
        }
        assertThat(condition.test(pane)).as("terminal screen:%n%s", pane).isTrue();
        return pane;
    }

    @Test
    void aPortInUseExitsOneWithOneLine() throws Exception {
        try (ServerSocket taken = new ServerSocket()) {
            taken.bind(new InetSocketAddress(InetAddress.getByName("0.0.0.0"), 0));
            JarProcess server = dualchat.start("--udp-port", "0", "--tcp-port", String.valueOf(taken.getLocalPort()));
            assertThat(server.awaitExit()).isEqualTo(1);
            assertThat(server.stderr()).endsWith("dualchat: cannot listen on TCP [::]:" + taken.getLocalPort()
                    + ": Address already in use" + System.lineSeparator());
            assertNoStackTrace(server.stderr());
            assertThat(server.stdout()).isEmpty();
        }
    }

    @Test
    void anUnknownOptionExitsTwoWithOneLine() throws Exception {
        JarProcess process = dualchat.start("--frobnicate");
        assertThat(process.awaitExit()).isEqualTo(2);
        assertThat(process.stderr()).hasLineCount(1).startsWith("dualchat: Unknown option: '--frobnicate'");
    }

    @Test
    void withNoArgumentsListensOnUdp1234AndTcp2222() throws Exception {
        assumeTrue(free(1234, 2222), "the default ports are taken on this machine");
        JarProcess server = dualchat.start();
        String log = server.awaitStderr(text -> JarProcess.LISTENING.matcher(text).find() || !server.isAlive());
        assertThat(log).contains("Listening on UDP [::]:1234 and TCP [::]:2222");
        sendUdp("127.0.0.1", 1234, "default port");
        server.awaitStdout(text -> text.contains("default port"));
        assertThat(server.stop()).isZero();
        assertThat(server.stdout()).isEqualTo("127.0.0.1 : default port\n");
    }

    private Process python(String script, int port) throws IOException {
        Process process = new ProcessBuilder("python3", "-c", script, "127.0.0.1", String.valueOf(port))
                .redirectError(ProcessBuilder.Redirect.DISCARD)
                .start();
        return dualchat.track(process);
    }

    private static void type(Process process, String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(UTF_8));
        in.flush();
    }

    /** Runs a shell pipeline, bounded in time, and returns its stdout. */
    private String shell(String pipeline) throws Exception {
        return dualchat.shell(pipeline);
    }

    private static boolean free(int udpPort, int tcpPort) {
        try (DatagramSocket udp = new DatagramSocket(udpPort); ServerSocket tcp = new ServerSocket(tcpPort)) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void theLimitFlagsReachTheServer() throws Exception {
        Loopback.assumeManySources();
        JarProcess server = dualchat.startServer("--max-connections-per-ip", "1", "--limit-loopback", "--idle-timeout", "1",
                "--deny", "127.0.0.2/32", "--rate", "5", "--burst", "2");
        try (Socket first = new Socket("127.0.0.1", server.tcpPort())) {
            first.setSoTimeout((int) WAIT.toMillis());
            // Greeted before the second connects: the server accepts on several event loops, in no set order.
            assertThat(readLine(first.getInputStream())).isEqualTo("Server connected");
            assertThat(readLine(first.getInputStream())).endsWith("/help lists the commands");
            try (Socket second = new Socket("127.0.0.1", server.tcpPort())) {
                second.setSoTimeout((int) WAIT.toMillis());
                assertThat(readLine(second.getInputStream()))
                        .isEqualTo("Too many connections from your address: 1 at most");
            }
            assertThat(readLine(first.getInputStream())).isEqualTo("Idle timeout: no message in 1 second, closing");
        }
        try (DatagramSocket denied = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0));
                DatagramSocket allowed = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
            byte[] no = "from a denied source".getBytes(UTF_8);
            denied.send(new DatagramPacket(no, no.length, InetAddress.getByName("127.0.0.1"), server.udpPort()));
            for (int i = 0; i < 10; i++) {
                byte[] yes = ("burst " + i).getBytes(UTF_8);
                allowed.send(new DatagramPacket(yes, yes.length, InetAddress.getByName("127.0.0.1"), server.udpPort()));
            }
        }
        String log = server.awaitStderr(text -> text.contains("Refused 1 TCP connections")
                && text.contains("over the rate limit") && text.contains("denied by the access list"));
        assertThat(log).contains("Refused 1 TCP connections since the last report: 1 too many from one address");
        assertThat(server.stdout()).contains("127.0.0.1 : burst 0", "127.0.0.1 : burst 1").doesNotContain("denied source");
        assertNoStackTrace(log);
    }

    @Test
    void aTcpClientSetsOffNoFlightRecorderMetadataUnlessTheUserAsksForNettysEvents(@TempDir Path dir) throws Exception {
        for (boolean asked : new boolean[] {false, true}) {
            Path classes = dir.resolve("classes-" + asked + ".log");
            List<String> jvm = new ArrayList<>(List.of("-Xlog:class+load=info:file=" + classes));
            if (asked) {
                jvm.add("-Dio.netty.jfr.enabled=true");
            }
            JarProcess server = dualchat.startServer(jvm);
            try (Socket tcp = new Socket("127.0.0.1", server.tcpPort())) {
                tcp.setSoTimeout((int) WAIT.toMillis());
                assertThat(readLine(tcp.getInputStream())).isEqualTo("Server connected");
                tcp.getOutputStream().write("hi\n".getBytes(UTF_8));
                tcp.shutdownOutput();
                server.awaitStdout(text -> text.contains("127.0.0.1 : hi\n"));
                tcp.getInputStream().readAllBytes();
            }
            assertThat(server.stop()).isZero();
            String loaded = Files.readString(classes);
            // The greeting came from Netty's pooled allocator, whose first chunk is where the events start.
            assertThat(loaded).contains("io.netty.buffer.AdaptivePoolingAllocator");
            if (asked) {
                assertThat(loaded).contains("jdk.jfr.internal.MetadataRepository");
            } else {
                assertThat(loaded).doesNotContain("jdk.jfr.internal.MetadataRepository", "io.netty.buffer.AllocateChunkEvent");
            }
        }
    }
}
