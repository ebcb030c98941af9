package org.dualchat.loadgen;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.Histogram;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.common.Reasons;
import org.dualchat.netty.common.Transport;
import org.dualchat.netty.common.TransportType;

/**
 * {@code dualchat bench idle}: a crowd of TCP clients that connect, read their greeting line, and then sit
 * there reading nothing, as quiet clients of a chat do. Measures how long the server takes to accept them
 * all and how soon each is greeted; holds them for a while (for the server's memory to be read), then
 * half-closes each and reads it to the end, so that no client leaves with bytes unread.
 */
public final class IdleLoad {

    /**
     * Connects go out in waves of this many, each awaited before the next. A connect completes once the
     * server's kernel has queued it, before the server accepts it: the waves bound the handshakes in flight,
     * not the server's accept queue, which a server slower to accept than the kernel is to queue still fills
     * (and past it the kernel drops SYNs: those clients connect at their retry, a second later).
     */
    private static final int WAVE = 512;

    /**
     * What the crowd saw. Each greeting is timed from its client's connect: {@code medianGreetingNanos} and
     * {@code p99GreetingNanos} of those greeted, and how many took a second or more ({@code lateGreetings}):
     * about what a client waits whose SYN the kernel dropped, its accept queue full, before its retry.
     */
    public record Result(int connected, long connectNanos, int greeted, long slowestGreetingNanos,
            long medianGreetingNanos, long p99GreetingNanos, long lateGreetings) {
    }

    /** A greeting that took this long or more counts as late: a dropped SYN's retry comes a second later. */
    static final long LATE_NANOS = TimeUnit.SECONDS.toNanos(1);

    private IdleLoad() {}

    /**
     * Connects {@code n} clients to {@code host:port}; waits at most {@code greetWait} after the last
     * connect for every greeting, then holds them all for {@code hold}.
     */
    public static Result run(String host, int port, int n, TransportType type, Duration greetWait, Duration hold)
            throws IOException, InterruptedException {
        if (n < 1 || n > LoadSpec.MAX_CONNECTIONS) {
            throw new IllegalArgumentException("clients: " + n + " (expected: 1-" + LoadSpec.MAX_CONNECTIONS + ")");
        }
        InetSocketAddress target = new InetSocketAddress(InetAddress.getByName(host), port);
        Transport transport = Transport.of(type);
        // One event loop: the clients do next to nothing, and the server should have the cores.
        EventLoopGroup group = transport.newGroup(1, new DefaultThreadFactory("dualchat-bench", true));
        LongAdder greeted = new LongAdder();
        AtomicLong slowest = new AtomicLong();
        // Greeting times in microseconds, up to a minute, 3 digits: written on the one event loop only.
        Histogram greetings = new Histogram(TimeUnit.MINUTES.toMicros(1), 3);
        List<Channel> channels = new ArrayList<>(n);
        try {
            Bootstrap bootstrap = new Bootstrap().group(group).channel(transport.socketChannel())
                    .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
                    .option(ChannelOption.ALLOW_HALF_CLOSURE, true)
                    .handler(new ChannelInitializer<Channel>() {
                        @Override
                        protected void initChannel(Channel ch) {
                            ch.pipeline().addLast(new Greeted(System.nanoTime(), greeted, slowest, greetings));
                        }
                    });
            long start = System.nanoTime();
            List<ChannelFuture> wave = new ArrayList<>(WAVE);
            for (int i = 0; i < n; i++) {
                wave.add(bootstrap.connect(target));
                if (wave.size() == WAVE || i == n - 1) {
                    for (ChannelFuture each : wave) {
                        if (!each.awaitUninterruptibly().isSuccess()) {
                            throw new IOException("cannot connect to " + Addresses.withPort(target) + " (client "
                                    + (channels.size() + 1) + " of " + n + "): " + Reasons.of(each.cause()), each.cause());
                        }
                        channels.add(each.channel());
                    }
                    wave.clear();
                }
            }
            long connectNanos = System.nanoTime() - start;
            long giveUp = System.nanoTime() + greetWait.toNanos();
            while (greeted.sum() < n && System.nanoTime() - giveUp < 0) {
                Thread.sleep(5);
            }
            int greetedNow = (int) greeted.sum();
            Histogram seen = copyOnLoop(group, greetings);
            Thread.sleep(hold.toMillis());
            return new Result(channels.size(), connectNanos, greetedNow, slowest.get(),
                    TimeUnit.MICROSECONDS.toNanos(seen.getValueAtPercentile(50)),
                    TimeUnit.MICROSECONDS.toNanos(seen.getValueAtPercentile(99)),
                    seen.getCountBetweenValues(TimeUnit.NANOSECONDS.toMicros(LATE_NANOS), seen.getHighestTrackableValue()));
        } finally {
            leave(channels);
            Transport.shutdown(group);
        }
    }

    /** A copy of {@code histogram}, made on the event loop that writes it. */
    private static Histogram copyOnLoop(EventLoopGroup group, Histogram histogram) throws InterruptedException {
        try {
            return group.next().submit(histogram::copy).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("cannot read the greeting times", e.getCause());
        }
    }

    /** Half-closes every client and reads it to the end, for at most 30 s in all. */
    private static void leave(List<Channel> channels) {
        for (Channel channel : channels) {
            channel.eventLoop().execute(() -> {
                channel.config().setAutoRead(true);
                if (channel instanceof DuplexChannel duplex && channel.isActive()) {
                    duplex.shutdownOutput();
                }
            });
        }
        long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        for (Channel channel : channels) {
            if (!channel.closeFuture().awaitUninterruptibly(Math.max(0, giveUp - System.nanoTime()) / 1_000_000)) {
                break;
            }
        }
        channels.forEach(Channel::close);
    }

    /** Reads up to the first newline (the greeting), notes how long it took, then stops reading. */
    private static final class Greeted extends ChannelInboundHandlerAdapter {
        private final long connectStart;
        private final LongAdder greeted;
        private final AtomicLong slowest;
        private final Histogram greetings;
        private boolean seen;

        Greeted(long connectStart, LongAdder greeted, AtomicLong slowest, Histogram greetings) {
            this.connectStart = connectStart;
            this.greeted = greeted;
            this.slowest = slowest;
            this.greetings = greetings;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            try {
                if (!seen && msg instanceof ByteBuf buf && buf.indexOf(buf.readerIndex(), buf.writerIndex(), (byte) '\n') >= 0) {
                    seen = true;
                    greeted.increment();
                    long took = System.nanoTime() - connectStart;
                    slowest.accumulateAndGet(took, Math::max);
                    greetings.recordValue(Math.min(TimeUnit.NANOSECONDS.toMicros(took), greetings.getHighestTrackableValue()));
                    if (ctx.channel().config().isAutoRead()) {
                        ctx.channel().config().setAutoRead(false);
                    }
                }
            } finally {
                ReferenceCountUtil.release(msg);
            }
        }

        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            // The server has ended the conversation after our half-close: nothing more to read.
            if (evt instanceof ChannelInputShutdownEvent) {
                ctx.close();
            }
            ctx.fireUserEventTriggered(evt);
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}
