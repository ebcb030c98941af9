package org.dualchat.netty.client;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.socket.DatagramPacket;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.dualchat.netty.common.Addresses;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.dualchat.netty.common.Reasons;

/**
 * The sending half shared by {@link UdpSender} and {@link PeerChat}: one line per datagram, checked for
 * size before anything is sent, written with backpressure from the calling thread.
 */
final class DatagramOut {

    private static final Logger logger = LoggerFactory.getLogger(DatagramOut.class);

    static final WriteBufferWaterMark WATER_MARK = new WriteBufferWaterMark(64 * 1024, 256 * 1024);

    private final Channel channel;
    private final WritabilityGate gate;
    private final InetSocketAddress target;
    private final AtomicLong failed = new AtomicLong();
    private final SendGuard guard = new SendGuard();
    private volatile ChannelFuture lastWrite;

    DatagramOut(Channel channel, WritabilityGate gate, InetSocketAddress target) {
        this.channel = channel;
        this.gate = gate;
        this.target = target;
    }

    /** The options every client datagram channel gets. */
    static void configure(Bootstrap bootstrap) {
        bootstrap.option(ChannelOption.WRITE_BUFFER_WATER_MARK, WATER_MARK);
    }

    InetSocketAddress target() {
        return target;
    }

    long failed() {
        return failed.get();
    }

    ChannelFuture send(String line) throws IOException, InterruptedException {
        int length = ByteBufUtil.utf8Bytes(line);
        if (length > UdpSender.MAX_PAYLOAD) {
            throw new LineTooLongException(length, UdpSender.MAX_PAYLOAD, "one datagram");
        }
        guard.enter();
        try {
            return write(line, length);
        } finally {
            guard.exit();
        }
    }

    private ChannelFuture write(String line, int length) throws IOException, InterruptedException {
        if (!gate.awaitWritable(channel)) {
            throw new IOException("the UDP socket is closed");
        }
        ByteBuf buf = channel.alloc().buffer(length);
        ByteBufUtil.reserveAndWriteUtf8(buf, line, length);
        ChannelFuture write = channel.writeAndFlush(new DatagramPacket(buf, target));
        write.addListener(f -> {
            if (!f.isSuccess() && channel.isOpen()) {
                failed.incrementAndGet();
                logger.warn("Could not send a datagram to {}: {}",
                        Addresses.withPort(target), Reasons.of(f.cause()));
            }
        });
        lastWrite = write;
        return write;
    }

    /**
     * Refuses further sends, waits up to {@code timeout} for every datagram sent so far to be handed to
     * the system, then closes the channel and stops {@code group}, the event loop it runs on.
     */
    void closeWith(EventLoopGroup group, Duration timeout) {
        try {
            guard.close(timeout);
            ChannelFuture last = lastWrite;
            if (last != null) {
                last.await(timeout.toMillis());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        channel.close().awaitUninterruptibly();
        ClientLoop.shutdown(group);
    }
}
