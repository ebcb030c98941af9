package org.dualchat.netty.client;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelFuture;
import io.netty.channel.EventLoopGroup;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.common.Reasons;

/**
 * A UDP client that sends each line as one datagram, from a port of its own, as the seeds' sender did.
 *
 * <p>UDP has no connection: nothing tells the sender whether anyone listens, so sending to a port where
 * nobody does is not an error. A line longer than one datagram holds ({@value #MAX_PAYLOAD} bytes of
 * UTF-8) is refused with a {@link LineTooLongException} and nothing of it is sent.
 *
 * <pre>{@code
 * try (UdpSender sender = UdpSender.open("127.0.0.1", 1234)) {
 *     sender.send("hello");
 * } // close() waits until the datagrams have left
 * }</pre>
 */
public final class UdpSender implements AutoCloseable {

    /** The largest UDP payload over IPv4: 65,535 less the IP and UDP headers. */
    public static final int MAX_PAYLOAD = 65_507;

    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final EventLoopGroup group;
    private final DatagramOut out;

    private UdpSender(EventLoopGroup group, DatagramOut out) {
        this.group = group;
        this.out = out;
    }

    /**
     * Opens a sender to {@code host} (a name, an IPv4 or an IPv6 literal) on {@code port}.
     *
     * @throws UnknownHostException if {@code host} cannot be resolved
     * @throws IOException if no local UDP socket can be opened
     */
    public static UdpSender open(String host, int port) throws IOException {
        return open(host, port, null);
    }

    /**
     * Opens a sender that also hands what the server sends back (its relays, with {@code --udp-relay})
     * to {@code received}: datagrams from the server's port only, split into lines; a line the full sink
     * cannot take is dropped, as UDP cannot slow the server down.
     *
     * @param received where the server's lines go, called on the event loop; {@code null} to ignore them
     */
    public static UdpSender open(String host, int port, MessageSink received) throws IOException {
        requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(host), port);
        EventLoopGroup group = ClientLoop.newGroup("dualchat-udp");
        WritabilityGate gate = new WritabilityGate();
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(ClientLoop.TRANSPORT.datagramChannel())
                .handler(new UdpClientInitializer(gate, received == null ? null
                        : new PeerDatagramHandler(fromPort(port, received), () -> { })));
        DatagramOut.configure(bootstrap);
        ChannelFuture bind = bootstrap.bind(new InetSocketAddress(0)).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            ClientLoop.shutdown(group);
            throw new IOException("cannot open a UDP socket: " + Reasons.of(bind.cause()), bind.cause());
        }
        return new UdpSender(group, new DatagramOut(bind.channel(), gate, target));
    }

    /** {@code sink}, for the datagrams that come from {@code port}: others are not the server's. */
    private static MessageSink fromPort(int port, MessageSink sink) {
        return new MessageSink() {
            @Override
            public boolean offer(ChatMessage message) {
                return message.port() != port || sink.offer(message);
            }

            @Override
            public void whenReady(Runnable task) {
                sink.whenReady(task);
            }

            @Override
            public void close() {
                sink.close();
            }
        };
    }

    /** Where the datagrams go. */
    public InetSocketAddress target() {
        return out.target();
    }

    /**
     * Sends {@code line} as one datagram, waiting while the socket has more than it can take pending.
     *
     * @throws LineTooLongException if the line does not fit in one datagram; nothing was sent
     * @throws IOException if the sender is closed
     */
    public void send(String line) throws IOException, InterruptedException {
        out.send(requireNonNull(line, "line"));
    }

    /** Datagrams the system refused to send (the reason of each is logged). */
    public long failed() {
        return out.failed();
    }

    /** Waits until the datagrams sent have left (up to 10 s), then closes the socket and the event loop. */
    @Override
    public void close() {
        out.closeWith(group, SEND_TIMEOUT);
    }
}
