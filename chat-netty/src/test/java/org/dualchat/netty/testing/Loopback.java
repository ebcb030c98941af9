package org.dualchat.netty.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.function.BooleanSupplier;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.room.ChatCommands;

/**
 * Clients for the integration tests that come from a chosen loopback address: on Linux all of
 * 127.0.0.0/8 is loopback, so 127.0.0.2 is a second source to the server, with its own limits.
 */
public final class Loopback {

    public static final Duration WAIT = Duration.ofSeconds(10);

    private Loopback() {}

    /** Skips the test where the system does not route all of 127.0.0.0/8 to loopback (macOS). */
    public static void assumeManySources() {
        try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.2", 0))) {
            assumeTrue(socket.getLocalPort() > 0);
        } catch (IOException e) {
            assumeTrue(false, "cannot bind 127.0.0.2 here: " + e.getMessage());
        }
    }

    /** The server address to reach from {@code source}: IPv6 loopback for an IPv6 source, else 127.0.0.1. */
    public static InetAddress target(String source) {
        try {
            return InetAddress.getByName(source.indexOf(':') >= 0 ? "::1" : "127.0.0.1");
        } catch (UnknownHostException e) {
            throw new AssertionError(e);
        }
    }

    /** A TCP connection to {@code server} from {@code source}, with a read timeout. */
    public static Socket connect(String source, ChatServer server) throws IOException {
        Socket socket = new Socket();
        try {
            socket.bind(new InetSocketAddress(source, 0));
            socket.connect(new InetSocketAddress(target(source), server.tcpAddress().getPort()), (int) WAIT.toMillis());
            socket.setSoTimeout((int) WAIT.toMillis());
            socket.setTcpNoDelay(true);
            return socket;
        } catch (IOException e) {
            socket.close();
            throw e;
        }
    }

    /** A UDP socket bound to {@code source}, for sending to the server. */
    public static DatagramSocket udp(String source) throws IOException {
        return new DatagramSocket(new InetSocketAddress(source, 0));
    }

    public static void send(DatagramSocket socket, ChatServer server, byte[] payload) throws IOException {
        InetAddress to = target(socket.getLocalAddress().getHostAddress());
        socket.send(new DatagramPacket(payload, payload.length, to, server.udpAddress().getPort()));
    }

    /** One line without its LF, as bytes to chars one for one; {@code null} at the end of the stream. */
    public static String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int b;
        while ((b = in.read()) != -1 && b != '\n') {
            line.append((char) b);
        }
        return b == -1 && line.length() == 0 ? null : line.toString();
    }

    /**
     * The first line the server sends of its own, skipping the room's traffic (relayed messages, and
     * notices of who joins and leaves) that reaches every client; {@code null} at the end of the stream.
     */
    public static String readServerLine(InputStream in) throws IOException {
        String line;
        do {
            line = readLine(in);
        } while (line != null && isRoomTraffic(line));
        return line;
    }

    /** Reads to the end of the stream, which must hold nothing but the room's traffic. */
    public static void readToEnd(InputStream in) throws IOException {
        assertThat(readServerLine(in)).as("nothing but the room's traffic before the close").isNull();
    }

    private static boolean isRoomTraffic(String line) {
        return line.contains(" : ") || line.startsWith("* ") && (line.endsWith(" joined") || line.contains(" left")
                || line.endsWith(ChatCommands.JOIN_LINE_END) || isHistory(line));
    }

    /** The header and end of the history a joiner is shown: {@code * last 3 messages:}, {@code * end of history}. */
    private static boolean isHistory(String line) {
        return line.matches("\\* last (\\d+ messages|message):") || line.equals("* end of history");
    }

    /** Waits until {@code condition} holds or {@code timeout} passes; returns whether it held. */
    public static boolean await(BooleanSupplier condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(5);
        }
        return true;
    }
}
