package org.dualchat.netty.client;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.FixedRecvByteBufAllocator;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.common.Reasons;

/**
 * A two-way UDP chat with one peer, as in the seeds' peer program: it listens on a port of its own,
 * sends each line to the peer as one datagram, and hands what arrives to a {@link MessageSink}. A line
 * {@value #BYE}, sent or received, ends the chat.
 *
 * <pre>{@code
 * try (PeerChat chat = PeerChat.open(1234, "192.0.2.7", 1084, sink)) {
 *     chat.send("hello");
 *     chat.ended().join(); // the peer said Bye
 * }
 * }</pre>
 *
 * <p>Datagrams from anyone are shown, as the seed did; each message carries its sender's address.
 */
public final class PeerChat implements AutoCloseable {

    /** The line that ends a chat, whichever side sends it. */
    public static final String BYE = "Bye";

    private static final int MAX_DATAGRAM = 65_536;
    private static final int RECEIVE_BUFFER = 1024 * 1024;
    private static final Duration SEND_TIMEOUT = Duration.ofSeconds(10);

    private final EventLoopGroup group;
    private final Channel channel;
    private final DatagramOut out;
    private final PeerDatagramHandler handler;
    private final CompletableFuture<Void> ended;

    private PeerChat(EventLoopGroup group, Channel channel, DatagramOut out, PeerDatagramHandler handler,
            CompletableFuture<Void> ended) {
        this.group = group;
        this.channel = channel;
        this.out = out;
        this.handler = handler;
        this.ended = ended;
    }

    /**
     * Listens on UDP {@code localPort} (all interfaces; 0 for any free port) and chats with
     * {@code peerHost} (a name, an IPv4 or an IPv6 literal) on {@code peerPort}.
     *
     * @param received where incoming lines go, as messages from their sender; called on the event loop,
     *     so it must not block
     * @throws UnknownHostException if {@code peerHost} cannot be resolved
     * @throws IOException if {@code localPort} cannot be bound; the message says why
     */
    public static PeerChat open(int localPort, String peerHost, int peerPort, MessageSink received)
            throws IOException {
        requireNonNull(peerHost, "peerHost");
        requireNonNull(received, "received");
        if (localPort < 0 || localPort > 65535) {
            throw new IllegalArgumentException("localPort: " + localPort + " (expected: 0-65535)");
        }
        if (peerPort < 1 || peerPort > 65535) {
            throw new IllegalArgumentException("peerPort: " + peerPort + " (expected: 1-65535)");
        }
        InetSocketAddress peer = new InetSocketAddress(InetAddress.getByName(peerHost), peerPort);
        CompletableFuture<Void> ended = new CompletableFuture<>();
        PeerDatagramHandler handler = new PeerDatagramHandler(received, () -> ended.complete(null));
        WritabilityGate gate = new WritabilityGate();
        EventLoopGroup group = ClientLoop.newGroup("dualchat-peer");
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(ClientLoop.TRANSPORT.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
                // Netty reads 2,048 bytes per datagram by default and silently cuts the rest.
                .option(ChannelOption.RECVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(MAX_DATAGRAM))
                .handler(new UdpClientInitializer(gate, handler));
        DatagramOut.configure(bootstrap);
        ChannelFuture bind = bootstrap.bind(new InetSocketAddress(localPort)).awaitUninterruptibly();
        if (!bind.isSuccess()) {
            ClientLoop.shutdown(group);
            throw new IOException("cannot listen on UDP port " + localPort + ": " + Reasons.of(bind.cause()),
                    bind.cause());
        }
        return new PeerChat(group, bind.channel(), new DatagramOut(bind.channel(), gate, peer), handler, ended);
    }

    /** The local address listened on: with port 0, the port the system chose. */
    public InetSocketAddress localAddress() {
        return (InetSocketAddress) channel.localAddress();
    }

    /** Where the lines go. */
    public InetSocketAddress peer() {
        return out.target();
    }

    /**
     * Sends {@code line} to the peer as one datagram, waiting while the socket has more than it can take
     * pending. Sending {@value #BYE} ends the chat once the datagram has left.
     *
     * @throws LineTooLongException if the line does not fit in one datagram; nothing was sent
     * @throws IOException if the chat is closed
     */
    public void send(String line) throws IOException, InterruptedException {
        ChannelFuture write = out.send(requireNonNull(line, "line"));
        if (BYE.equals(line)) {
            // Waited for here rather than in a listener: the event loop may be stopping under us.
            write.await(SEND_TIMEOUT.toMillis());
            ended.complete(null);
        }
    }

    /** Completes when {@value #BYE} has been sent or received. */
    public CompletableFuture<Void> ended() {
        return ended;
    }

    /** Lines received that the sink had no room for. */
    public long dropped() {
        return handler.dropped();
    }

    /** Datagrams the system refused to send (the reason of each is logged). */
    public long failed() {
        return out.failed();
    }

    /** Waits until the datagrams sent have left (up to 10 s), then stops listening and stops the event loop. */
    @Override
    public void close() {
        out.closeWith(group, SEND_TIMEOUT);
    }
}
