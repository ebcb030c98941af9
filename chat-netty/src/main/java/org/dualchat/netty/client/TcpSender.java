package org.dualchat.netty.client;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.Future;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.common.Addresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.dualchat.netty.common.Reasons;

/**
 * A TCP client that sends lines of text on one connection and hands every line the server sends (its
 * greeting, relayed lines) to a {@link MessageSink}; over TLS when given a {@link ClientTls}.
 *
 * <p>{@link #send} waits while the socket cannot take more, so a fast producer is held back by the
 * network instead of filling memory. {@link #finish} ends the conversation the way the server expects:
 * everything written, the output shut down, then the server closes.
 *
 * <pre>{@code
 * try (TcpSender sender = TcpSender.connect("127.0.0.1", 2222, sink)) {
 *     sender.send("hello");
 *     sender.finish(Duration.ofSeconds(10)); // throws if the server went away first
 * }
 * }</pre>
 *
 * <p>{@link #send} and {@link #finish} are meant for one thread; {@link #closed()} may be watched from
 * another.
 */
public final class TcpSender implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(TcpSender.class);

    /** The longest line shown whole; a longer one from the server is shown in pieces. */
    static final int MAX_RECEIVED_LINE = 65_536;
    /** How long text without a newline from the server waits before it is shown. */
    static final long QUIET_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

    private static final int CONNECT_TIMEOUT_MILLIS = 10_000;
    private static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);
    private static final Duration DELIVERY_TIMEOUT = Duration.ofSeconds(5);

    private final EventLoopGroup group;
    private final Channel channel;
    private final WritabilityGate gate;
    private final ReceivedLineHandler received;
    private final CompletableFuture<Void> closed = new CompletableFuture<>();
    private final SendGuard guard = new SendGuard();
    private final InetSocketAddress remote;
    private volatile boolean finishing;
    private volatile boolean closedLocally;

    private TcpSender(EventLoopGroup group, Channel channel, InetSocketAddress remote, WritabilityGate gate,
            ReceivedLineHandler received) {
        this.group = group;
        this.channel = channel;
        this.remote = remote;
        this.gate = gate;
        this.received = received;
        channel.closeFuture().addListener(f -> onClosed());
    }

    /**
     * Connects to {@code host} (a name, an IPv4 or an IPv6 literal) on {@code port}, trying each of its
     * addresses in turn.
     *
     * @param received where the lines the server sends go; called on the event loop, so it must not block
     * @throws UnknownHostException if {@code host} cannot be resolved
     * @throws IOException if no address takes the connection; the message names the address and the reason
     */
    public static TcpSender connect(String host, int port, MessageSink received) throws IOException {
        return connect(host, port, received, null);
    }

    /**
     * {@link #connect(String, int, MessageSink)} over TLS, checked as {@code tls} says, or plain TCP if
     * {@code tls} is {@code null}. Returns once the TLS handshake is done.
     *
     * @throws IOException also if the handshake fails; the message says why, and a certificate the
     *     client refused has a {@link java.security.cert.CertificateException} among its causes
     */
    public static TcpSender connect(String host, int port, MessageSink received, ClientTls tls) throws IOException {
        requireNonNull(host, "host");
        requireNonNull(received, "received");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        InetAddress[] addresses = InetAddress.getAllByName(host);
        EventLoopGroup group = ClientLoop.newGroup("dualchat-tcp");
        IOException failure = null;
        for (InetAddress address : addresses) {
            WritabilityGate gate = new WritabilityGate();
            ReceivedLineHandler handler = new ReceivedLineHandler(received);
            InetSocketAddress remote = new InetSocketAddress(address, port);
            ChannelFuture connect = bootstrap(group, gate, handler, tls, host, port).connect(remote).awaitUninterruptibly();
            if (connect.isSuccess()) {
                logger.debug("Connected to {}", connect.channel());
                if (tls != null) {
                    awaitHandshake(connect.channel(), remote, group);
                }
                return new TcpSender(group, connect.channel(), remote, gate, handler);
            }
            IOException e = new IOException(
                    "cannot connect to " + Addresses.withPort(remote) + ": " + Reasons.of(connect.cause()),
                    connect.cause());
            if (failure != null) {
                e.addSuppressed(failure);
            }
            failure = e;
        }
        ClientLoop.shutdown(group);
        throw failure;
    }

    /** The server's address. */
    public InetSocketAddress remoteAddress() {
        return remote;
    }

    /**
     * Sends {@code line} and a newline. Waits while the socket has more than it can take pending; the
     * line is flushed at once, or with the lines right behind it when they come fast.
     *
     * @throws IOException if the connection has closed; the message says why
     */
    public void send(String line) throws IOException, InterruptedException {
        requireNonNull(line, "line");
        try {
            guard.enter();
        } catch (IOException e) {
            throw closedException();
        }
        try {
            if (!gate.awaitWritable(channel)) {
                throw closedException();
            }
            ByteBuf buf = channel.alloc().buffer(ByteBufUtil.utf8MaxBytes(line) + 1);
            ByteBufUtil.writeUtf8(buf, line);
            buf.writeByte('\n');
            channel.writeAndFlush(buf, channel.voidPromise());
        } finally {
            guard.exit();
        }
    }

    /**
     * Ends the conversation: waits until everything sent is written, shuts the output down (the server
     * closes when it sees that), and waits up to {@code timeout} for the server to close.
     *
     * @throws IOException if the connection failed or was closed by the server before this, or the
     *     server did not close in time
     */
    public void finish(Duration timeout) throws IOException, InterruptedException {
        requireNonNull(timeout, "timeout");
        if (closed.isDone()) {
            awaitClosed(Duration.ZERO);
            return;
        }
        try {
            guard.enter();
        } catch (IOException e) {
            throw closedException();
        }
        try {
            finishing = true;
            // The empty write completes after every write before it; only then is it safe to shut the output.
            channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(written -> {
                if (written.isSuccess()) {
                    shutdownOutput();
                }
            });
        } finally {
            guard.exit();
        }
        awaitClosed(timeout);
    }

    /**
     * Completes when the connection has closed: normally if it closed after {@link #finish}, exceptionally
     * with an {@link IOException} saying why otherwise.
     */
    public CompletableFuture<Void> closed() {
        return closed;
    }

    /** Closes the connection if still open, waits for received lines to reach the sink, stops the event loop. */
    @Override
    public void close() {
        closedLocally = true;
        channel.close().awaitUninterruptibly();
        try {
            // A sender waiting for writability sees the channel closed and leaves at once.
            guard.close(DELIVERY_TIMEOUT);
            if (!received.awaitDelivered(DELIVERY_TIMEOUT)) {
                logger.warn("Some lines from the server could not be shown within {} s", DELIVERY_TIMEOUT.toSeconds());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        ClientLoop.shutdown(group);
    }

    /** Over TLS, {@code close_notify} first: the TLS way to say "no more from me", which the server answers by closing. */
    private void shutdownOutput() {
        SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null) {
            ((SocketChannel) channel).shutdownOutput();
            return;
        }
        tls.closeOutbound().addListener(sent -> ((SocketChannel) channel).shutdownOutput());
    }

    private static void awaitHandshake(Channel channel, InetSocketAddress remote, EventLoopGroup group)
            throws IOException {
        Future<Channel> handshake = channel.pipeline().get(SslHandler.class).handshakeFuture().awaitUninterruptibly();
        if (!handshake.isSuccess()) {
            channel.close().awaitUninterruptibly();
            ClientLoop.shutdown(group);
            throw new IOException("TLS handshake with " + Addresses.withPort(remote) + " failed: "
                    + TlsFailure.describe(handshake.cause()), handshake.cause());
        }
        logger.debug("TLS with {}: {}", remote, channel.pipeline().get(SslHandler.class).engine().getSession().getProtocol());
    }

    private void awaitClosed(Duration timeout) throws IOException, InterruptedException {
        try {
            closed.get(Math.max(timeout.toMillis(), 1), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw (IOException) e.getCause();
        } catch (TimeoutException e) {
            throw new IOException("the server at " + Addresses.withPort(remoteAddress())
                    + " did not close the connection within " + timeout.toSeconds() + " s after the end of input");
        }
    }

    private void onClosed() {
        Throwable failure = received.failure();
        if (failure == null && (finishing || closedLocally)) {
            closed.complete(null);
        } else {
            closed.completeExceptionally(closedException());
        }
    }

    private IOException closedException() {
        String where = Addresses.withPort(remote);
        Throwable failure = received.failure();
        if (failure != null) {
            return new IOException("connection to " + where + " failed: " + Reasons.of(failure), failure);
        }
        return new IOException("the server at " + where + " closed the connection");
    }

    private static Bootstrap bootstrap(EventLoopGroup group, WritabilityGate gate, ReceivedLineHandler handler,
            ClientTls tls, String host, int port) {
        return new Bootstrap()
                .group(group)
                .channel(ClientLoop.TRANSPORT.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, CONNECT_TIMEOUT_MILLIS)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK)
                .handler(new TcpClientInitializer(gate, handler, tls, host, port));
    }
}
