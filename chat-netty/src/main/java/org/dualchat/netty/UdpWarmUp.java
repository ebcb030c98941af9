package org.dualchat.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Function;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.limit.DropCounter;
import org.dualchat.netty.limit.LimitOptions;
import org.dualchat.netty.limit.Limits;
import org.dualchat.netty.room.ChatRoom;
import org.dualchat.netty.stats.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Before the UDP port is bound, sends a bounded number of made-up datagrams over loopback through a channel
 * built like the real one (same transport, same read options, same handlers) into a sink that prints nothing,
 * so that the JIT has compiled the receive path before the first real datagram. With relay on, the lines go
 * through a room of their own, with no members, as the real room's first datagrams will (kept for a history
 * nobody is shown), so that the relay path is compiled too. A fresh JVM otherwise reads
 * the first burst in the interpreter and lost most of it (79.8 % of a native sender's burst, against 30.6 %
 * once warm, on a quiet machine). Nothing is printed, counted in the server's stats or relayed; a failure
 * only skips the warm-up.
 */
final class UdpWarmUp {

    private static final Logger logger = LoggerFactory.getLogger(UdpWarmUp.class);

    /** {@code -Ddualchat.udp.warmup=N}: datagrams to send; 0 turns the warm-up off. */
    static final String PROPERTY = "dualchat.udp.warmup";
    static final int DEFAULT_DATAGRAMS = 30_000;
    /** However many are left, the sending stops after this long. */
    static final Duration MAX_SENDING = Duration.ofMillis(250);
    /** Then at most this long for the channel to read what was sent. */
    private static final Duration MAX_DRAIN = Duration.ofMillis(150);
    private static final byte[] TEXT = ("dualchat warm-up datagram, printed nowhere: 64 bytes of printable ASCII"
            .substring(0, 63) + "\n").getBytes(StandardCharsets.US_ASCII);

    private UdpWarmUp() {}

    /** The datagrams the system property asks for, or the default. */
    static int datagrams() {
        Integer n = Integer.getInteger(PROPERTY);
        return n == null ? DEFAULT_DATAGRAMS : Math.max(0, n);
    }

    /**
     * Runs the warm-up.
     *
     * @param bootstrap the real UDP bootstrap, given the handler to use
     * @param sink the real sink, whose {@link MessageSink#discardingTwin()} takes the made-up lines
     * @return the lines the warm-up pushed through, 0 if skipped
     */
    static long run(Function<UdpChannelInitializer, Bootstrap> bootstrap, MessageSink sink, int datagrams) {
        return run(bootstrap, sink, datagrams, null);
    }

    /** As {@link #run(Function, MessageSink, int)}, relaying what it reads to {@code room}, a room of its own. */
    static long run(Function<UdpChannelInitializer, Bootstrap> bootstrap, MessageSink sink, int datagrams,
            ChatRoom room) {
        if (datagrams <= 0) {
            return 0;
        }
        MessageSink twin = sink.discardingTwin();
        if (twin == null) {
            return 0;
        }
        long started = System.nanoTime();
        ServerStats stats = new ServerStats();
        Channel channel = null;
        try {
            Limits limits = new Limits(LimitOptions.defaults(), stats);
            UdpChannelInitializer initializer = new UdpChannelInitializer(twin,
                    new DropCounter("warm-up datagrams", stats, ServerStats.Drop.QUEUE_FULL), stats, limits, room);
            ChannelFuture bound = bootstrap.apply(initializer)
                    .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).awaitUninterruptibly();
            if (!bound.isSuccess()) {
                logger.debug("UDP warm-up skipped: {}", bound.cause().toString());
                return 0;
            }
            channel = bound.channel();
            int sent = send((InetSocketAddress) channel.localAddress(), datagrams);
            long drainBy = System.nanoTime() + MAX_DRAIN.toNanos();
            while (stats.view().udpLines() < sent && System.nanoTime() < drainBy) {
                Thread.sleep(1);
            }
            channel.close().awaitUninterruptibly(); // reads nothing more: the count below is final
            long lines = stats.view().udpLines();
            logger.debug("UDP warm-up: {} datagrams sent, {} read, in {} ms", sent, lines,
                    (System.nanoTime() - started) / 1_000_000);
            return lines;
        } catch (IOException | RuntimeException e) {
            logger.debug("UDP warm-up skipped: {}", e.toString());
            return 0;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 0;
        } finally {
            if (channel != null) {
                channel.close().awaitUninterruptibly();
            }
            twin.close();
        }
    }

    private static int send(InetSocketAddress target, int datagrams) throws IOException {
        long stopAt = System.nanoTime() + MAX_SENDING.toNanos();
        int sent = 0;
        try (DatagramChannel sender = DatagramChannel.open()) {
            sender.connect(target);
            ByteBuffer text = ByteBuffer.wrap(TEXT);
            while (sent < datagrams && ((sent & 255) != 0 || System.nanoTime() < stopAt)) {
                text.rewind();
                sender.write(text);
                sent++;
            }
        }
        return sent;
    }
}
