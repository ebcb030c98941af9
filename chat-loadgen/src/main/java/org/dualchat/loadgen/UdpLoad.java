package org.dualchat.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.LongAdder;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.common.Reasons;
import org.dualchat.netty.common.Transport;

/**
 * {@code dualchat bench udp}: datagrams of one line each, from one or more sockets, at a rate or as fast
 * as the system sends them. On the epoll transport each batch of datagrams is written and then flushed
 * once, which Netty turns into one {@code sendmmsg} call; the payload is one direct buffer that every
 * datagram shares, so nothing is copied or encoded per message.
 */
public final class UdpLoad {

    /** Daemon threads, so that a load that is never closed cannot keep the JVM alive. */
    private static final ThreadFactory BENCH_THREADS = new DefaultThreadFactory("dualchat-bench", true);

    /** Datagrams per flush by default: one sendmmsg call each. */
    public static final int DEFAULT_BATCH = 64;
    /** The largest UDP payload over IPv4. */
    public static final int MAX_PAYLOAD = 65_507;

    private UdpLoad() {}

    /**
     * Sends the load and watches {@code counter} until the receiver has shown everything or has gone
     * quiet for {@code quiet}, for at most {@code maxWait} after sending.
     *
     * @throws IOException if the host is unknown or no socket can be opened
     */
    public static LoadResult run(LoadSpec spec, ReceivedCounter counter, Duration quiet, Duration maxWait)
            throws IOException, InterruptedException {
        if (spec.size() + 1 > MAX_PAYLOAD) {
            throw new IllegalArgumentException(
                    "size: " + spec.size() + " (expected: at most " + (MAX_PAYLOAD - 1) + " for UDP)");
        }
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(spec.host()), spec.port());
        Transport transport = Transport.of(spec.transport());
        int batch = spec.batch() > 0 ? spec.batch() : DEFAULT_BATCH;
        EventLoopGroup group = transport.newGroup(Math.min(spec.connections(), Runtime.getRuntime().availableProcessors()), BENCH_THREADS);
        ByteBuf payload = Payloads.lines(spec.size(), 1);
        LongAdder errors = new LongAdder();
        List<Channel> channels = new ArrayList<>();
        try {
            List<Sender> senders = new ArrayList<>();
            for (int i = 0; i < spec.connections(); i++) {
                Sender sender = new Sender(spec.quota(i), spec.perSenderPerNano(), batch, payload);
                Bootstrap bootstrap = new Bootstrap()
                        .group(group)
                        .channel(transport.datagramChannel())
                        .option(ChannelOption.SO_SNDBUF, 4 * 1024 * 1024)
                        // A batch in flight must not count as "unwritable" before it is even flushed.
                        .option(ChannelOption.WRITE_BUFFER_WATER_MARK,
                                new WriteBufferWaterMark(8 * 1024 * 1024, 16 * 1024 * 1024))
                        .handler(new ErrorCounter(errors));
                ChannelFuture connect = bootstrap.connect(target).awaitUninterruptibly();
                if (!connect.isSuccess()) {
                    throw new IOException("cannot open a UDP socket to " + Addresses.withPort(target) + ": "
                            + Reasons.of(connect.cause()),
                            connect.cause());
                }
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
                long sent = Await.allSent(senders, start + spec.maxDuration().toNanos());
                long end = System.nanoTime();
                long received = counter == ReceivedCounter.NONE ? -1 : watch.await(sent, end, quiet, maxWait);
                long receiveNanos = received <= 0 ? 0 : watch.lastGrowthNanos() - start;
                return new LoadResult(transport.name(), sent, end - start, sent < spec.count(), received, sent,
                        receiveNanos, errors.sum(), null);
            }
        } finally {
            for (Channel channel : channels) {
                channel.close().awaitUninterruptibly();
            }
            Transport.shutdown(group);
            payload.release();
        }
    }

    /** Writes a batch of datagrams that share one payload, then lets PacedSender flush them at once. */
    private static final class Sender extends PacedSender {
        private final ByteBuf payload;

        Sender(long quota, double perNano, int batch, ByteBuf payload) {
            super(quota, perNano, batch);
            this.payload = payload;
        }

        @Override
        void write(Channel channel, long first, int n) {
            for (int i = 0; i < n; i++) {
                channel.write(payload.retainedDuplicate(), channel.voidPromise());
            }
        }
    }

    /** Counts send errors (a refused port reports back as ICMP) instead of logging each one. */
    private static final class ErrorCounter extends ChannelInboundHandlerAdapter {
        private final LongAdder errors;

        ErrorCounter(LongAdder errors) {
            this.errors = errors;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            errors.increment();
        }
    }
}
