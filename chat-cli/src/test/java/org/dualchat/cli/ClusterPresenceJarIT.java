package org.dualchat.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.testing.JarProcess;
import org.dualchat.netty.testing.JarProcesses;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.ServerExtension;
import org.dualchat.redis.RedisOptions;
import org.dualchat.redis.RedisRoom;
import org.dualchat.redis.testing.RedisExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A node of the room killed with SIGKILL (the jar): the two other nodes (in this JVM) tell their clients that
 * its members are gone within 15 s, each member once, and its nicks are free again.
 */
@Timeout(90)
class ClusterPresenceJarIT {

    private static final String GONE = " left (its node victim is gone)";

    @RegisterExtension
    final RedisExtension redis = new RedisExtension();

    @RegisterExtension
    final JarProcesses dualchat = new JarProcesses();

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    private final List<Socket> sockets = new ArrayList<>();

    private ChatServer node(String name) throws IOException {
        RedisOptions options = RedisOptions.builder(redis.uri()).room("it").node(name).build();
        return servers.start(ChatServerConfig.builder().udpPort(0).tcpPort(0)
                .bindAddress(InetAddress.getLoopbackAddress()).roomFactory(RedisRoom.factory(options)).build(),
                new PrintingSink(LineCollector.open(), MessageFormat.PLAIN));
    }

    @Test
    void aKilledNodesMembersAreToldGoneOnceWithinFifteenSecondsAndTheirNicksFreed() throws Exception {
        ChatServer a = node("a");
        ChatServer b = node("b");
        JarProcess victim = dualchat.startServer("--redis", redis.uri(), "--room", "it", "--node=victim",
                "-b", "127.0.0.1");
        Socket alice = greeted(a.tcpAddress().getPort());
        Socket bob = greeted(b.tcpAddress().getPort());
        Socket x = greeted(victim.tcpPort());
        Socket y = greeted(victim.tcpPort());
        say(x, "/nick vic");
        assertThat(awaitLine(x, l -> l.startsWith("* you are now"))).startsWith("* you are now vic@");
        String xLabel = "vic@127.0.0.1:" + x.getLocalPort();
        String yLabel = "127.0.0.1:" + y.getLocalPort();
        assertThat(awaitLine(alice, l -> l.contains(" is now vic"))).isEqualTo("* 127.0.0.1:" + x.getLocalPort()
                + " is now vic");

        victim.signal("KILL");
        assertThat(victim.process().waitFor()).as("SIGKILL").isEqualTo(137);
        long killed = System.nanoTime();
        for (Socket watcher : List.of(alice, bob)) {
            List<String> gone = new ArrayList<>();
            while (gone.size() < 2) {
                gone.add(awaitLine(watcher, l -> l.endsWith(GONE)));
            }
            assertThat(gone).containsExactlyInAnyOrder("* " + xLabel + GONE, "* " + yLabel + GONE);
        }
        assertThat((System.nanoTime() - killed) / 1_000_000_000.0).as("seconds until told").isLessThan(15);

        // Once: a few heartbeats later, nothing more about them before the next message.
        Thread.sleep(4000);
        say(alice, "after");
        List<String> between = new ArrayList<>();
        String line;
        while (!(line = awaitLine(bob, l -> true)).equals("127.0.0.1 : after")) {
            between.add(line);
        }
        assertThat(between).noneMatch(l -> l.endsWith(GONE));

        say(bob, "/nick vic");
        assertThat(awaitLine(bob, l -> l.startsWith("* you are now") || l.startsWith("* the nick")))
                .isEqualTo("* you are now vic@127.0.0.1:" + bob.getLocalPort());
        say(alice, "/who");
        assertThat(awaitLine(alice, l -> l.matches("\\* \\d+ here:"))).isEqualTo("* 2 here:");
        for (Socket socket : sockets) {
            socket.close();
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
        socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
        socket.getOutputStream().flush();
    }

    private static String awaitLine(Socket socket, java.util.function.Predicate<String> wanted) throws IOException {
        InputStream in = socket.getInputStream();
        while (true) {
            String line = ServerExtension.readLine(in);
            assertThat(line).as("a line").isNotNull();
            if (wanted.test(line)) {
                return line;
            }
        }
    }
}
