package org.dualchat.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.math.BigDecimal;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.HdrHistogram.Histogram;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.common.Reasons;
import org.dualchat.netty.common.Transport;

/**
 * {@code dualchat bench relay}: {@code R} receiving clients and {@code S} sending clients on one server
 * that relays every TCP line to every other TCP client as {@code SENDER : TEXT}. Each message carries
 * its sender, a sequence number and the time it was written ({@link System#nanoTime()}: senders and
 * receivers are in this one process); each receiver records how long every message took to reach it in
 * an HdrHistogram, one per event loop (shared by the receivers there, written on that loop only), and the
 * run merges them.
 *
 * <p>Before the clock starts, each sender in turn sends a probe line and the run waits until every receiver
 * has seen it: that proves the server relays and has every receiver and every sender in its room, so that
 * senders get each other's messages from the first; they read and drop them. With a warm-up
 * ({@link RelayWarmUp}) the same clients then send at the run's rate for a while, timed apart, before the
 * clock starts.
 */
public final class RelayLoad {

    /** Daemon threads, so that a load that is never closed cannot keep the JVM alive. */
    private static final ThreadFactory BENCH_THREADS = new DefaultThreadFactory("dualchat-bench", true);

    /** How long the probe may take to reach every receiver. */
    private static final Duration PROBE_TIMEOUT = Duration.ofSeconds(10);
    /** How long a probe line may take to reach every receiver before it is sent again. */
    static final Duration PROBE_RESEND = Duration.ofMillis(500);

    private RelayLoad() {}

    /**
     * Runs the load: {@code spec.connections()} senders, {@code receivers} receivers; waits after sending
     * until every receiver has everything, or they have all been quiet for {@code quiet}, for at most
     * {@code maxWait}.
     *
     * @throws IOException if a connection fails, or the probe does not reach every receiver
     */
    public static LoadResult run(LoadSpec spec, int receivers, Duration quiet, Duration maxWait)
            throws IOException, InterruptedException {
        return run(spec, receivers, 0, quiet, maxWait, PROBE_TIMEOUT);
    }

    /**
     * As {@link #run(LoadSpec, int, Duration, Duration)}, with {@code idle} more clients that connect first
     * and never read a byte: what a room must survive without stalling or growing.
     */
    public static LoadResult run(LoadSpec spec, int receivers, int idle, Duration quiet, Duration maxWait)
            throws IOException, InterruptedException {
        return run(spec, receivers, idle, quiet, maxWait, PROBE_TIMEOUT);
    }

    static LoadResult run(LoadSpec spec, int receivers, Duration quiet, Duration maxWait, Duration probeTimeout)
            throws IOException, InterruptedException {
        return run(spec, receivers, 0, quiet, maxWait, probeTimeout, List.of(), Duration.ZERO);
    }

    /**
     * As {@link #run(LoadSpec, int, int, Duration, Duration)}, with the receivers spread in turn over the TCP
     * ports {@code receiverPorts} of the same host (other nodes of one room), the senders on the spec's port.
     */
    public static LoadResult run(LoadSpec spec, int receivers, int idle, Duration quiet, Duration maxWait,
            List<Integer> receiverPorts) throws IOException, InterruptedException {
        return run(spec, receivers, idle, quiet, maxWait, PROBE_TIMEOUT, receiverPorts, Duration.ZERO);
    }

    /**
     * As {@link #run(LoadSpec, int, int, Duration, Duration, List)}, after a warm-up of {@code warmUp} (zero
     * for none): the same clients send at the run's rate for that long, then the run proper starts once the
     * receivers have read it all. What the warm-up sees is reported apart ({@link LoadResult#warmUp()}) and
     * left out of every other figure.
     */
    public static LoadResult run(LoadSpec spec, int receivers, int idle, Duration quiet, Duration maxWait,
            List<Integer> receiverPorts, Duration warmUp) throws IOException, InterruptedException {
        return run(spec, receivers, idle, quiet, maxWait, PROBE_TIMEOUT, receiverPorts, warmUp);
    }

    private static LoadResult run(LoadSpec spec, int receivers, int idle, Duration quiet, Duration maxWait,
            Duration probeTimeout) throws IOException, InterruptedException {
        return run(spec, receivers, idle, quiet, maxWait, probeTimeout, List.of(), Duration.ZERO);
    }

    /**
     * As {@link #run(LoadSpec, int, int, Duration, Duration, List, Duration)}, the probe line given {@code
     * probeTimeout} to reach every receiver (10 s in the other forms) before the load is said not to be relayed.
     */
    public static LoadResult run(LoadSpec spec, int receivers, int idle, Duration quiet, Duration maxWait,
            Duration probeTimeout, List<Integer> receiverPorts, Duration warmUp)
            throws IOException, InterruptedException {
        if (receivers < 1 || receivers > LoadSpec.MAX_CONNECTIONS) {
            throw new IllegalArgumentException(
                    "receivers: " + receivers + " (expected: 1-" + LoadSpec.MAX_CONNECTIONS + ")");
        }
        if (warmUp.isNegative() || warmUp.compareTo(LoadSpec.MAX_DURATION) > 0) {
            throw new IllegalArgumentException("warmUp: " + warmUp + " (expected: 0-" + LoadSpec.MAX_DURATION + ")");
        }
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(spec.host()), spec.port());
        Transport transport = Transport.of(spec.transport());
        EventLoopGroup group = transport.newGroup(Runtime.getRuntime().availableProcessors(), BENCH_THREADS);
        ConnectionErrors errors = new ConnectionErrors();
        List<Channel> channels = new ArrayList<>();
        long origin = System.nanoTime();
        try {
            if (idle > 0) {
                for (Channel channel : connect(group, transport, target, idle)) {
                    // Never reads: the server's writes to it fill its socket, then its outbound buffer.
                    channel.config().setAutoRead(false);
                    channels.add(channel);
                }
            }
            List<RelayReceiver> readers = new ArrayList<>();
            List<Channel> readerChannels = new ArrayList<>();
            Map<EventLoop, Histogram> histograms = new HashMap<>();
            Map<EventLoop, Histogram> warmUpHistograms = new HashMap<>();
            for (Channel channel : connectSpread(group, transport, target, receiverPorts, receivers)) {
                RelayReceiver reader = new RelayReceiver(origin,
                        histograms.computeIfAbsent(channel.eventLoop(), loop -> RelayReceiver.newHistogram()),
                        warmUpHistograms.computeIfAbsent(channel.eventLoop(), loop -> RelayReceiver.newHistogram()));
                channel.pipeline().addLast("receiver", reader);
                channels.add(channel);
                readerChannels.add(channel);
                readers.add(reader);
            }
            List<StampedSender> senders = new ArrayList<>();
            List<Channel> senderChannels = new ArrayList<>();
            int perWrite = spec.batch() > 0 ? spec.batch() : 64;
            List<Channel> connected = connect(group, transport, target, spec.connections());
            for (int i = 0; i < connected.size(); i++) {
                Channel channel = connected.get(i);
                channel.pipeline().addLast("discard", new TcpLoad.Discard(errors));
                StampedSender sender = new StampedSender(spec.quota(i), spec.perSenderPerNano(), perWrite, i, spec.size(),
                        origin, true);
                channel.pipeline().addLast("sender", sender);
                channels.add(channel);
                senderChannels.add(channel);
                senders.add(sender);
            }
            probe(senderChannels, readers, readerChannels, target, probeTimeout, origin);
            WarmUpResult warmedUp = null;
            if (!warmUp.isZero()) {
                warmedUp = RelayWarmUp.run(spec, warmUp, perWrite, senderChannels, readers, warmUpHistograms, origin,
                        quiet, maxWait);
                // This generator's own garbage from starting and warming up, collected now rather than in a pause
                // the run would measure (as JMH does between iterations); the server's heap is not touched.
                System.gc();
            }
            ReceivedCounter total = new ReceivedCounter() {
                @Override
                public long count() {
                    long sum = 0;
                    for (RelayReceiver reader : readers) {
                        sum += reader.received();
                    }
                    return sum;
                }

                @Override
                public String description() {
                    return "bench lines read by the " + receivers + " receiving clients";
                }
            };
            try (ReceiptWatch watch = new ReceiptWatch(total)) {
                long start = System.nanoTime();
                long deadline = start + spec.maxDuration().toNanos();
                for (RelayReceiver reader : readers) {
                    // Whatever is stamped from now on is measured; anything older still on its way is warm-up.
                    reader.measureFrom(start - origin);
                }
                for (int i = 0; i < senders.size(); i++) {
                    senders.get(i).start(senderChannels.get(i), start, deadline);
                }
                long sent = Await.allSent(senders, deadline);
                long end = System.nanoTime();
                long expected = sent * receivers;
                long received = watch.await(expected, end, quiet, maxWait);
                long receiveNanos = received <= 0 ? 0 : watch.lastGrowthNanos() - start;
                Histogram merged = merge(histograms);
                return new LoadResult(transport.name(), sent, end - start, sent < spec.count(), received, expected,
                        receiveNanos, errors.sum(), LatencySummary.of(merged), warmedUp);
            }
        } finally {
            for (Channel channel : channels) {
                channel.close();
            }
            Transport.shutdown(group);
        }
    }

    /** {@code n} connections, spread in turn over {@code ports} of the target's host (or to the target). */
    private static List<Channel> connectSpread(EventLoopGroup group, Transport transport, InetSocketAddress target,
            List<Integer> ports, int n) throws IOException {
        if (ports.isEmpty()) {
            return connect(group, transport, target, n);
        }
        List<Channel> channels = new ArrayList<>(n);
        for (int i = 0; i < ports.size(); i++) {
            int share = n / ports.size() + (i < n % ports.size() ? 1 : 0);
            if (share > 0) {
                channels.addAll(connect(group, transport, new InetSocketAddress(target.getAddress(), ports.get(i)), share));
            }
        }
        return channels;
    }

    private static List<Channel> connect(EventLoopGroup group, Transport transport,
            InetSocketAddress target, int n) throws IOException {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.socketChannel())
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                // Handlers are added per channel once connected: receivers and senders differ.
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                    }
                });
        List<ChannelFuture> futures = new ArrayList<>();
        // Connect in waves: a backlog of 1,024 pending connections is where servers start refusing.
        List<Channel> channels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            futures.add(bootstrap.connect(target));
            if (futures.size() == 512 || i == n - 1) {
                for (ChannelFuture future : futures) {
                    if (!future.awaitUninterruptibly().isSuccess()) {
                        channels.forEach(Channel::close);
                        throw new IOException("cannot connect to " + Addresses.withPort(target) + ": "
                                + Reasons.of(future.cause()),
                                future.cause());
                    }
                    channels.add(future.channel());
                }
                futures.clear();
            }
        }
        return channels;
    }

    /**
     * Each sender in turn sends a probe line, and the next one once every receiver has read it: a sender's line
     * relayed shows that the server took the sender in (as it took each receiver in). A receiver's connection is
     * complete before the server has taken it into the room, so a probe that has not reached every receiver
     * within {@link #PROBE_RESEND} is sent again (receivers count each sender's once). Within {@code timeout} in
     * all.
     */
    private static void probe(List<Channel> senders, List<RelayReceiver> readers, List<Channel> readerChannels,
            InetSocketAddress target, Duration timeout, long origin) throws IOException, InterruptedException {
        long giveUp = System.nanoTime() + timeout.toNanos();
        for (int i = 0; i < senders.size(); i++) {
            Channel sender = senders.get(i);
            byte[] probe = (RelayReceiver.probe(origin, i) + "\n").getBytes(StandardCharsets.US_ASCII);
            while (true) {
                sender.writeAndFlush(sender.alloc().buffer(probe.length).writeBytes(probe));
                long resendAt = Math.min(giveUp, System.nanoTime() + PROBE_RESEND.toNanos());
                if (awaitProbe(i, readers, readerChannels, target, timeout, resendAt, giveUp)) {
                    break;
                }
            }
        }
    }

    /** Whether every receiver has read sender {@code sender}'s probe by {@code until}; fails past {@code giveUp}. */
    private static boolean awaitProbe(int sender, List<RelayReceiver> readers, List<Channel> readerChannels,
            InetSocketAddress target, Duration timeout, long until, long giveUp) throws IOException, InterruptedException {
        while (true) {
            long missing = readers.stream().filter(r -> !r.hasProbe(sender)).count();
            if (missing == 0) {
                return true;
            }
            long closed = readerChannels.stream().filter(c -> !c.isActive()).count();
            if (closed > 0) {
                throw new IOException("the server closed " + closed + " of " + readers.size() + " receiving clients"
                        + " (a connection limit? dualchat's --max-connections,"
                        + " or --max-connections-per-ip with --limit-loopback)");
            }
            if (System.nanoTime() - giveUp > 0) {
                String line = sender == 0 ? "the probe line" : "sender " + (sender + 1) + "'s probe line";
                throw new IOException(line + " reached " + (readers.size() - missing) + " of " + readers.size()
                        + " receivers within " + BigDecimal.valueOf(timeout.toMillis(), 3).stripTrailingZeros().toPlainString()
                        + " s: does the server at " + Addresses.withPort(target)
                        + " relay TCP lines to the other clients?");
            }
            if (System.nanoTime() - until > 0) {
                return false;
            }
            Thread.sleep(5);
        }
    }

    /** Merges the receivers' histograms, one per event loop, each copied on its loop, where it is written. */
    static Histogram merge(Map<EventLoop, Histogram> histograms) throws InterruptedException {
        Histogram merged = RelayReceiver.newHistogram();
        for (Map.Entry<EventLoop, Histogram> each : histograms.entrySet()) {
            try {
                merged.add(each.getKey().submit(() -> each.getValue().copy()).get(10, TimeUnit.SECONDS));
            } catch (ExecutionException | TimeoutException e) {
                // Receivers whose loop is stuck add nothing; their lines are still counted as received.
            }
        }
        return merged;
    }
}
