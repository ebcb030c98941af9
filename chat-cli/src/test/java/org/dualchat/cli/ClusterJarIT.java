package org.dualchat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.netty.testing.JarProcess;
import org.dualchat.netty.testing.JarProcesses;
import org.dualchat.netty.testing.ServerExtension;
import org.dualchat.redis.testing.RedisExtension;
import org.dualchat.redis.testing.RedisServer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The jar as three nodes of one room in a real Redis: relay across them, one of them killed, a wrong password. */
@Timeout(120)
class ClusterJarIT {

    @RegisterExtension
    final RedisExtension redis = new RedisExtension();

    @RegisterExtension
    final JarProcesses dualchat = new JarProcesses();

    private final List<Socket> sockets = new ArrayList<>();

    @Test
    void threeNodesAreOneRoomAndANodeKilledLeavesTheOthersTalking() throws Exception {
        // One after the other: three JVMs starting at once on a loaded machine take longer than the wait.
        List<JarProcess> nodes = new ArrayList<>();
        for (String extra : new String[] {"--node=n1", "--node=n2", "--print-room"}) {
            nodes.add(dualchat.startServer("--redis", redis.uri(), "--room", "it", extra, "-b", "127.0.0.1"));
        }
        JarProcess n1 = nodes.get(0);
        JarProcess n2 = nodes.get(1);
        JarProcess n3 = nodes.get(2);
        Socket c1 = greeted(n1.tcpPort());
        Socket c2 = greeted(n2.tcpPort());
        Socket c3 = greeted(n3.tcpPort());

        say(c1, "tcp from n1");
        assertThat(message(c2)).isEqualTo("127.0.0.1 : tcp from n1");
        assertThat(message(c3)).isEqualTo("127.0.0.1 : tcp from n1");
        ServerExtension.sendUdp("127.0.0.1", n3.udpPort(), "udp to n3");
        assertThat(message(c1)).isEqualTo("127.0.0.1 : udp to n3");
        assertThat(message(c2)).isEqualTo("127.0.0.1 : udp to n3");
        assertThat(message(c3)).as("the datagram's own node").isEqualTo("127.0.0.1 : udp to n3");

        n2.signal("KILL");
        assertThat(n2.process().waitFor()).as("SIGKILL").isEqualTo(137);
        say(c3, "n2 is gone, we go on");
        assertThat(message(c1)).isEqualTo("127.0.0.1 : n2 is gone, we go on");
        say(c1, "still here");
        assertThat(message(c3)).isEqualTo("127.0.0.1 : still here");

        n1.awaitStdout(text -> text.contains("still here"));
        n3.awaitStdout(text -> text.contains("still here"));
        assertThat(n1.stdoutLines()).as("n1 prints what n1 received")
                .containsExactly("127.0.0.1 : tcp from n1", "127.0.0.1 : still here");
        assertThat(n3.stdoutLines()).as("--print-room prints the whole room")
                .containsExactly("127.0.0.1 : tcp from n1", "127.0.0.1 : udp to n3", "127.0.0.1 : n2 is gone, we go on",
                        "127.0.0.1 : still here");
        for (Socket socket : sockets) {
            socket.close();
        }
        assertThat(n1.stop()).isZero();
        assertThat(n3.stop()).isZero();
        JarProcesses.assertNoStackTrace(n1.stderr());
    }

    @Test
    void aWrongPasswordIsOneLineAndExitOne() throws Exception {
        try (RedisServer locked = new RedisServer(false, "--requirepass", "sesame").start()) {
            JarProcesses.Result result = dualchat.run(List.of(), "--redis", "redis://nope@127.0.0.1:" + locked.port(),
                    "-u", "0", "-t", "0");
            assertThat(result.exitCode()).isEqualTo(1);
            assertThat(result.stderr().strip()).startsWith("dualchat: cannot join the room: Redis at 127.0.0.1:")
                    .contains("WRONGPASS").doesNotContain("nope").hasLineCount(1);
            JarProcesses.assertNoStackTrace(result.stderr());
        }
    }

    private Socket greeted(int tcpPort) throws IOException {
        Socket socket = new Socket();
        sockets.add(socket);
        socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), tcpPort), 10_000);
        socket.setSoTimeout(20_000);
        assertThat(ServerExtension.readLine(socket.getInputStream())).isEqualTo("Server connected");
        return socket;
    }

    private static void say(Socket socket, String line) throws IOException {
        OutputStream out = socket.getOutputStream();
        out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        out.flush();
    }

    /** The next relayed message, skipping the room's notices. */
    private static String message(Socket socket) throws IOException {
        InputStream in = socket.getInputStream();
        while (true) {
            String line = ServerExtension.readLine(in);
            assertThat(line).as("a line").isNotEmpty();
            if (!line.startsWith("* ")) {
                return line;
            }
        }
    }
}
