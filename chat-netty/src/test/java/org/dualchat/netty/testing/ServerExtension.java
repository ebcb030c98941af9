package org.dualchat.netty.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.function.Consumer;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.MessageSink;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Starts {@link ChatServer}s for a test on ports the system picks, prints what they receive into a
 * {@link LineCollector} (the test's stdout), and closes them, with every client socket and anything else
 * handed to {@link #closeAfterEach}, after each test, newest first.
 *
 * <pre>{@code
 * @RegisterExtension
 * final ServerExtension servers = new ServerExtension();
 *
 * @Test
 * void printsWhatATcpClientSays() throws Exception {
 *     ChatServer server = servers.start(config -> config.rate(0));
 *     servers.connectGreeted(server).getOutputStream().write("hi\n".getBytes(UTF_8));
 *     assertThat(servers.out().awaitCount(1, ServerExtension.WAIT)).containsExactly("127.0.0.1 : hi");
 * }
 * }</pre>
 *
 * <p>{@link #startedBeforeEach} starts one server before each test instead, for a class whose tests all
 * talk to the same kind of server ({@link #server()}). Model: Armeria's {@code ServerExtension}.
 */
public final class ServerExtension implements BeforeEachCallback, AfterEachCallback {

    /** How long a test waits for what should come promptly: long, since the machine may be loaded. */
    public static final Duration WAIT = Duration.ofSeconds(10);

    private final Consumer<ChatServerConfig.Builder> defaults;
    private final boolean startBeforeEach;
    private final Deque<AutoCloseable> toClose = new ArrayDeque<>();
    private LineCollector out = LineCollector.open();
    private ChatServer server;

    /** Starts nothing by itself; each test starts the servers it needs. */
    public ServerExtension() {
        this(config -> { }, false);
    }

    private ServerExtension(Consumer<ChatServerConfig.Builder> defaults, boolean startBeforeEach) {
        this.defaults = defaults;
        this.startBeforeEach = startBeforeEach;
    }

    /** Applies {@code defaults} to the config of every server started, before the test's own settings. */
    public static ServerExtension withDefaults(Consumer<ChatServerConfig.Builder> defaults) {
        return new ServerExtension(defaults, false);
    }

    /** Starts a server configured by {@code config} before each test, printing to {@link #out()}. */
    public static ServerExtension startedBeforeEach(Consumer<ChatServerConfig.Builder> config) {
        return new ServerExtension(config, true);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws Exception {
        out = LineCollector.open();
        if (startBeforeEach) {
            start();
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        Exception failure = null;
        while (!toClose.isEmpty()) {
            try {
                toClose.pop().close();
            } catch (Exception e) {
                if (failure == null) {
                    failure = e;
                } else {
                    failure.addSuppressed(e);
                }
            }
        }
        server = null;
        if (failure != null) {
            throw failure;
        }
    }

    /** The server started before this test, or else the one the test started last. */
    public ChatServer server() {
        assertThat(server).as("a server started in this test").isNotNull();
        return server;
    }

    /** What the servers printed to their stdout in this test, unless a test gave one its own sink. */
    public LineCollector out() {
        return out;
    }

    /** A server with the defaults, printing to {@link #out()}. */
    public ChatServer start() throws IOException {
        return start(config -> { });
    }

    /** A server configured by {@code config}, printing to {@link #out()} as plain {@code ip : text} lines. */
    public ChatServer start(Consumer<ChatServerConfig.Builder> config) throws IOException {
        return start(config, out);
    }

    /** A server configured by {@code config}, printing plain lines to {@code stdout}. */
    public ChatServer start(Consumer<ChatServerConfig.Builder> config, OutputStream stdout) throws IOException {
        return start(config, new PrintingSink(stdout, MessageFormat.PLAIN));
    }

    /** A server configured by {@code config} that delivers to {@code sink}, which it then owns. */
    public ChatServer start(Consumer<ChatServerConfig.Builder> config, MessageSink sink) throws IOException {
        ChatServerConfig.Builder builder = ChatServerConfig.builder().udpPort(0).tcpPort(0);
        defaults.accept(builder);
        config.accept(builder);
        return start(builder.build(), sink);
    }

    /** A server with exactly {@code config} (ports included), closed after the test. */
    public ChatServer start(ChatServerConfig config, MessageSink sink) throws IOException {
        ChatServer started = closeAfterEach(new ChatServer(config, sink));
        started.start();
        server = started;
        return started;
    }

    /** Closes {@code resource} after the test, before whatever was handed over earlier. */
    public <T extends AutoCloseable> T closeAfterEach(T resource) {
        toClose.push(resource);
        return resource;
    }

    /** A TCP client connected to {@code server} from 127.0.0.1, with a read timeout; closed after the test. */
    public Socket connect(ChatServer server) throws IOException {
        Socket socket = closeAfterEach(new Socket());
        socket.connect(new java.net.InetSocketAddress(InetAddress.getLoopbackAddress(), server.tcpAddress().getPort()),
                (int) WAIT.toMillis());
        socket.setTcpNoDelay(true);
        socket.setSoTimeout((int) WAIT.toMillis());
        return socket;
    }

    /** Connects and reads the greeting, so that the server has surely set the client up. */
    public Socket connectGreeted(ChatServer server) throws IOException {
        Socket socket = connect(server);
        assertThat(readLine(socket.getInputStream())).isEqualTo("Server connected");
        return socket;
    }

    /** A TCP client from the loopback address {@code source} ({@link Loopback}); closed after the test. */
    public Socket connect(String source, ChatServer server) throws IOException {
        return closeAfterEach(Loopback.connect(source, server));
    }

    /** As {@link #connect(String, ChatServer)}, and reads the greeting. */
    public Socket connectGreeted(String source, ChatServer server) throws IOException {
        Socket socket = connect(source, server);
        assertThat(readLine(socket.getInputStream())).isEqualTo("Server connected");
        return socket;
    }

    /** A UDP socket bound to the loopback address {@code source}; closed after the test. */
    public DatagramSocket udp(String source) throws IOException {
        return closeAfterEach(Loopback.udp(source));
    }

    /** Sends {@code payload} as one datagram to {@code server}'s UDP port at {@code host}, from a new socket. */
    public static void sendUdp(String host, ChatServer server, byte[] payload) throws IOException {
        sendUdp(host, server.udpAddress().getPort(), payload);
    }

    /** Sends {@code payload} as one datagram to {@code host:port}, from a new socket. */
    public static void sendUdp(String host, int port, byte[] payload) throws IOException {
        try (DatagramSocket socket = new DatagramSocket()) {
            socket.send(new DatagramPacket(payload, payload.length, InetAddress.getByName(host), port));
        }
    }

    /** Sends {@code text} in UTF-8 as one datagram to {@code host:port}, from a new socket. */
    public static void sendUdp(String host, int port, String text) throws IOException {
        sendUdp(host, port, text.getBytes(StandardCharsets.UTF_8));
    }

    /** Sends {@code text} in UTF-8 as one datagram to {@code server} at 127.0.0.1. */
    public static void sendUdp(ChatServer server, String text) throws IOException {
        sendUdp("127.0.0.1", server, text.getBytes(StandardCharsets.UTF_8));
    }

    /** One line without its LF, as bytes to chars one for one; empty at the end of the stream. */
    public static String readLine(InputStream in) throws IOException {
        String line = Loopback.readLine(in);
        return line == null ? "" : line;
    }
}
