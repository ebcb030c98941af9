package org.dualchat.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.common.Reasons;
import org.dualchat.netty.common.Transport;

/**
 * {@code dualchat bench tcp}: lines over one or more TCP connections, at a rate or as fast as the server
 * reads them. A write holds {@code batch} lines, sliced from one prebuilt direct buffer (by default as
 * many as fit in 64 KB, as a program that buffers its output writes them; {@code --batch 1} writes each
 * line on its own). After its last line each connection half-closes, so the server prints what it got
 * and closes, and the connection is never reset with data unread.
 */
public final class TcpLoad {

    /** Set on a connection that read nothing while the load ran, as it reads the rest: see {@link #drain}. */
    static final AttributeKey<Boolean> DRAINING = AttributeKey.valueOf(TcpLoad.class, "draining");

    /** Daemon threads, so that a load that is never closed cannot keep the JVM alive. */
    private static final ThreadFactory BENCH_THREADS = new DefaultThreadFactory("dualchat-bench", true);

    /** The bytes one write holds by default. */
    public static final int DEFAULT_WRITE_BYTES = 64 * 1024;
    /** How long a connection waits for the server to close after the last line. */
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(5);

    private TcpLoad() {}

    /**
     * Connects every connection, sends the load, and watches {@code counter} until the receiver has
     * shown everything or gone quiet for {@code quiet}, for at most {@code maxWait} after sending.
     *
     * @throws IOException if the host is unknown or a connection fails
     */
    public static LoadResult run(LoadSpec spec, ReceivedCounter counter, Duration quiet, Duration maxWait)
            throws IOException, InterruptedException {
        return run(spec, counter, quiet, maxWait, true);
    }

    /**
     * As {@link #run(LoadSpec, ReceivedCounter, Duration, Duration)}; with {@code readWhileSending} false the
     * connections read nothing (not the greeting, not the room's relays) while the load runs, as clients that
     * never read: each half-closes after its last line, and all of them read to the end only once the
     * receiver has shown every line (or gone quiet). A connection reading as soon as its own last line is
     * in its socket would read the relays at full speed long before the server has read the load, and the
     * run would measure a room of readers.
     */
    public static LoadResult run(LoadSpec spec, ReceivedCounter counter, Duration quiet, Duration maxWait,
            boolean readWhileSending) throws IOException, InterruptedException {
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(spec.host()), spec.port());
        Transport transport = Transport.of(spec.transport());
        int lineBytes = spec.size() + 1;
        int perWrite = spec.batch() > 0 ? spec.batch() : Math.max(1, DEFAULT_WRITE_BYTES / lineBytes);
        if ((long) perWrite * lineBytes > 64L * 1024 * 1024) {
            throw new IllegalArgumentException("batch: " + perWrite + " lines of " + lineBytes
                    + " bytes (expected: at most 64 MB a write)");
        }
        EventLoopGroup group = transport.newGroup(Math.min(spec.connections(), Runtime.getRuntime().availableProcessors()), BENCH_THREADS);
        ByteBuf block = Payloads.lines(spec.size(), perWrite);
        ConnectionErrors errors = new ConnectionErrors();
        List<Channel> channels = new ArrayList<>();
        try {
            Bootstrap bootstrap = new Bootstrap()
                    .group(group)
                    .channel(transport.socketChannel())
                    .option(ChannelOption.TCP_NODELAY, true)
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .option(ChannelOption.AUTO_READ, readWhileSending)
                    .handler(new Discard(errors));
            List<Sender> senders = new ArrayList<>();
            List<ChannelFuture> connects = new ArrayList<>();
            for (int i = 0; i < spec.connections(); i++) {
                connects.add(bootstrap.connect(target));
            }
            for (int i = 0; i < connects.size(); i++) {
                ChannelFuture connect = connects.get(i).awaitUninterruptibly();
                if (!connect.isSuccess()) {
                    throw new IOException("cannot connect to " + Addresses.withPort(target) + ": "
                            + Reasons.of(connect.cause()),
                            connect.cause());
                }
                Sender sender = new Sender(spec.quota(i), spec.perSenderPerNano(), perWrite, block, lineBytes);
                connect.channel().pipeline().addLast("sender", sender);
                channels.add(connect.channel());
                senders.add(sender);
            }
            try (ReceiptWatch watch = new ReceiptWatch(counter)) {
                long start = System.nanoTime();
                long deadline = start + spec.maxDuration().toNanos();
                for (int i = 0; i < senders.size(); i++) {
                    senders.get(i).start(channels.get(i), start, deadline);
                }
                long sent = Await.allSent(senders, deadline);
                long end = System.nanoTime();
                long received = counter == ReceivedCounter.NONE ? -1 : watch.await(sent, end, quiet, maxWait);
                long receiveNanos = received <= 0 ? 0 : watch.lastGrowthNanos() - start;
                if (!readWhileSending) {
                    for (Channel channel : channels) {
                        channel.eventLoop().execute(() -> drain(channel)); // on its loop: see drain
                    }
                }
                awaitClosed(channels);
                return new LoadResult(transport.name(), sent, end - start, sent < spec.count(), received, sent,
                        receiveNanos, errors.sum(), null);
            }
        } finally {
            for (Channel channel : channels) {
                channel.close();
            }
            Transport.shutdown(group);
            block.release();
        }
    }

    /**
     * Reads what is left on a connection that read nothing while the load ran, once the receiver has shown every
     * line (or gone quiet): what happens to it from here is no lost connection, and is not counted (a server that
     * closed first leaves the socket out of epoll, and asking it to read then fails with ENOENT).
     */
    static void drain(Channel channel) {
        channel.attr(DRAINING).set(Boolean.TRUE);
        boolean inputOpen = !(channel instanceof DuplexChannel duplex) || !duplex.isInputShutdown();
        if (channel.isActive() && inputOpen) {
            channel.config().setAutoRead(true);
        }
    }

    private static void awaitClosed(List<Channel> channels) {
        long giveUp = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Channel channel : channels) {
            channel.closeFuture().awaitUninterruptibly(
                    Math.max(0, giveUp - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
    }

    /** Writes {@code n} lines as one slice of the prebuilt block; half-closes after the last. */
    private static final class Sender extends PacedSender {
        private final ByteBuf block;
        private final int lineBytes;

        Sender(long quota, double perNano, int perWrite, ByteBuf block, int lineBytes) {
            super(quota, perNano, perWrite);
            this.block = block;
            this.lineBytes = lineBytes;
        }

        @Override
        void write(Channel channel, long first, int n) {
            channel.write(block.retainedSlice(0, n * lineBytes), channel.voidPromise());
        }

        @Override
        void finish(Channel channel) {
            if (channel instanceof DuplexChannel duplex && channel.isActive()) {
                duplex.shutdownOutput();
            }
            // A connection that reads all along reads on to the end; one that must not read while the load runs is
            // set reading once the run is over (run): either way it is never reset with data unread.
        }
    }

    /** Reads and drops what the server sends (its greeting), and counts lost connections (the first one told). */
    @Sharable
    static final class Discard extends ChannelInboundHandlerAdapter {
        private final ConnectionErrors errors;

        Discard(ConnectionErrors errors) {
            this.errors = errors;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!Boolean.TRUE.equals(ctx.channel().attr(DRAINING).get())) {
                errors.add(ctx.channel(), cause);
            }
            ctx.close();
        }
    }
}
