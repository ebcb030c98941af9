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
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.SegmentedDatagramPacket;
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
 *
 * <p>Where the kernel offers UDP segmentation ({@code UDP_SEGMENT}, Linux 4.18 and later) and the epoll
 * transport is used, up to {@value #MAX_SEGMENTS} datagrams of a batch leave as one send of their bytes
 * back to back, which the kernel cuts into datagrams of one line each: the receiver gets the same datagrams
 * as from one send each, and the sender spends one trip through the stack on many of them. On this 2-core
 * machine a C loop sends 3-4 times as many datagrams a second that way as with {@code sendmmsg}, so that the
 * sender, not the receiver, is no longer what a run measures.
 */
public final class UdpLoad {

    /** Daemon threads, so that a load that is never closed cannot keep the JVM alive. */
    private static final ThreadFactory BENCH_THREADS = new DefaultThreadFactory("dualchat-bench", true);

    /** Datagrams per flush by default: one sendmmsg call each. */
    public static final int DEFAULT_BATCH = 64;
    /** The largest UDP payload over IPv4. */
    public static final int MAX_PAYLOAD = 65_507;
    /** The most datagrams one segmented send carries (the kernel's limit: {@code UDP_MAX_SEGMENTS}). */
    static final int MAX_SEGMENTS = 64;
    /**
     * The largest datagram sent segmented to a host that is not this one: what fits a 1,500-byte Ethernet frame
     * over IPv6. The kernel refuses a segment larger than the path's MTU outright, where it would fragment a
     * datagram sent alone; loopback's MTU is 64 KB.
     */
    static final int MAX_SEGMENT_OFF_HOST = 1_452;

    private UdpLoad() {}

    /**
     * Sends the load and watches {@code counter} until the receiver has shown everything or has gone
     * quiet for {@code quiet}, for at most {@code maxWait} after sending.
     *
     * @throws IOException if the host is unknown or no socket can be opened
     */
    public static LoadResult run(LoadSpec spec, ReceivedCounter counter, Duration quiet, Duration maxWait)
            throws IOException, InterruptedException {
        return run(spec, counter, quiet, maxWait, true);
    }

    /**
     * The same, choosing whether datagrams may leave in segmented sends where the kernel and transport
     * offer them ({@code segmented}); the result's transport says {@code epoll+gso} when they did.
     */
    public static LoadResult run(LoadSpec spec, ReceivedCounter counter, Duration quiet, Duration maxWait,
            boolean segmented) throws IOException, InterruptedException {
        if (spec.size() + 1 > MAX_PAYLOAD) {
            throw new IllegalArgumentException(
                    "size: " + spec.size() + " (expected: at most " + (MAX_PAYLOAD - 1) + " for UDP)");
        }
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(spec.host()), spec.port());
        Transport transport = Transport.of(spec.transport());
        int batch = spec.batch() > 0 ? spec.batch() : DEFAULT_BATCH;
        EventLoopGroup group = transport.newGroup(Math.min(spec.connections(), Runtime.getRuntime().availableProcessors()), BENCH_THREADS);
        int segments = segmented
                ? segmentsPerSend(transport, spec.size(), batch, target.getAddress().isLoopbackAddress()) : 1;
        // One line, or as many back to back as one segmented send carries: each send is a slice of it.
        ByteBuf payload = Payloads.lines(spec.size(), segments);
        LongAdder errors = new LongAdder();
        List<Channel> channels = new ArrayList<>();
        try {
            List<Sender> senders = new ArrayList<>();
            for (int i = 0; i < spec.connections(); i++) {
                Sender sender = new Sender(spec.quota(i), spec.perSenderPerNano(), batch, payload,
                        spec.size() + 1, segments, target);
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
                String name = segments > 1 ? transport.name() + "+gso" : transport.name();
                return new LoadResult(name, sent, end - start, sent < spec.count(), received, sent,
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

    /**
     * How many datagrams one send carries: more than one only on epoll with {@code UDP_SEGMENT}, only if at
     * least two datagrams of {@code size} text bytes and a newline fit in one UDP payload, and, to another host,
     * only datagrams that fit an Ethernet frame.
     */
    static int segmentsPerSend(Transport transport, int size, int batch, boolean loopback) {
        if (transport.datagramChannel() != EpollDatagramChannel.class
                || !EpollDatagramChannel.isSegmentedDatagramPacketSupported()
                || !loopback && size + 1 > MAX_SEGMENT_OFF_HOST) {
            return 1;
        }
        int segments = Math.min(Math.min(MAX_SEGMENTS, batch), MAX_PAYLOAD / (size + 1));
        return Math.max(segments, 1);
    }

    /** Writes a batch of datagrams that share one payload, then lets PacedSender flush them at once. */
    private static final class Sender extends PacedSender {
        private final ByteBuf payload;
        private final int datagram;
        private final int segments;
        private final InetSocketAddress target;

        /**
         * @param payload {@code segments} datagrams back to back, each of {@code datagram} bytes
         * @param segments datagrams per send: 1 for a plain datagram each
         */
        Sender(long quota, double perNano, int batch, ByteBuf payload, int datagram, int segments,
                InetSocketAddress target) {
            super(quota, perNano, batch);
            this.payload = payload;
            this.datagram = datagram;
            this.segments = segments;
            this.target = target;
        }

        @Override
        void write(Channel channel, long first, int n) {
            for (int left = n; left > 0; left -= segments) {
                int k = Math.min(left, segments);
                // The kernel cuts the send into datagrams of `datagram` bytes; one of them alone (always, with
                // segments of 1) is a plain one.
                ByteBuf bytes = payload.retainedSlice(0, k * datagram);
                channel.write(k == 1 ? bytes : new SegmentedDatagramPacket(bytes, datagram, target),
                        channel.voidPromise());
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
