package org.dualchat.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.unix.IntegerUnixChannelOption;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.common.Transport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the UDP channel reads: every datagram arrives whole, up to the largest UDP payload, and on epoll
 * many datagrams arrive per system call.
 *
 * <p>Netty's epoll datagram channel reads with one {@code recvmmsg} call when it is told the largest
 * datagram ({@link EpollChannelOption#MAX_DATAGRAM_PAYLOAD_SIZE}) and given a buffer that holds several:
 * the buffer is cut into slots of that size, one per datagram. With 64 KB slots no datagram is ever
 * cut short, and {@value #DATAGRAMS_PER_CALL} slots ({@value #DATAGRAMS_PER_BUSY_CALL} while the socket is
 * busy) make one call do the work of that many {@code recvmsg} calls. NIO has no such call: it reads one
 * datagram at a time.
 */
final class UdpReceiveOptions {

    private static final Logger logger = LoggerFactory.getLogger(UdpReceiveOptions.class);

    /** A slot per datagram: the largest UDP payload (65,507 bytes over IPv4, 65,527 over IPv6) fits. */
    static final int SLOT = 65_536;
    /** Datagrams one recvmmsg call may return while the socket is quiet: a 1 MB read buffer. */
    static final int DATAGRAMS_PER_CALL = 16;
    /**
     * Datagrams one call may return while the socket is busy (a call filled all {@value #DATAGRAMS_PER_CALL}
     * slots), until no call has filled that many for {@value #QUIET_SECONDS} to twice as many seconds: a 4 MB
     * read buffer. Each call has a fixed cost (the system call, Netty's JNI walk of its packet array, the event
     * loop's turn); at a native sender's full speed, 64 a call lost less than 16 a call, after a warm-up and
     * under two senders (see docs/performance.md, the ninth part). The buffer is zeroed, so resident once used:
     * only while busy.
     */
    static final int DATAGRAMS_PER_BUSY_CALL = 64;
    /** How often the read buffer goes back to its small size if no call has filled that since the last time. */
    static final int QUIET_SECONDS = 10;
    /**
     * At most this many datagrams are read per wake-up, before other work. On epoll Netty stops after one
     * recvmmsg call that leaves its buffer short of full, so there a wake-up reads one call's worth.
     */
    static final int MESSAGES_PER_READ = 64;

    /** {@code setsockopt(SOL_SOCKET, SO_RCVBUFFORCE)}: Linux's constants, which Netty does not name. */
    private static final IntegerUnixChannelOption SO_RCVBUFFORCE = new IntegerUnixChannelOption("SO_RCVBUFFORCE", 1, 33);

    private UdpReceiveOptions() {}

    static Bootstrap apply(Bootstrap bootstrap, Transport transport) {
        // Netty reads 2,048 bytes per datagram by default and silently cuts the rest.
        FixedRecvByteBufAllocator oneSlot = new FixedRecvByteBufAllocator(SLOT);
        oneSlot.maxMessagesPerRead(MESSAGES_PER_READ);
        if (!transport.isEpoll()) {
            return bootstrap.option(ChannelOption.RECVBUF_ALLOCATOR, oneSlot);
        }
        FixedRecvByteBufAllocator slots = new FixedRecvByteBufAllocator(readBufferSizeOnEpoll());
        slots.maxMessagesPerRead(MESSAGES_PER_READ);
        return bootstrap
                .option(EpollChannelOption.MAX_DATAGRAM_PAYLOAD_SIZE, SLOT)
                .option(ChannelOption.RECVBUF_ALLOCATOR, slots);
    }

    /**
     * A small UDP receive buffer is the first cause of lost datagrams under load. The kernel caps
     * {@code SO_RCVBUF} at {@code net.core.rmem_max}; a process allowed to ({@code CAP_NET_ADMIN}, as rsyslog
     * run as root is) may pass the cap with {@code SO_RCVBUFFORCE}, which is what rsyslog does too. Tries that
     * on epoll when the cap cut the buffer short, and says at start what the buffer is.
     *
     * @return the buffer granted, as the kernel reports it (twice what was set, for its own bookkeeping)
     */
    static int ensureGranted(Channel udp, int asked) {
        int granted = granted(udp);
        if (!(udp instanceof EpollDatagramChannel)) {
            if (granted < asked) {
                logger.info("UDP receive buffer is {} bytes, less than the {} asked for; "
                        + "raise net.core.rmem_max to let bursts through", granted, asked);
            }
            return granted;
        }
        // Linux reports twice what was set, and caps what is set at net.core.rmem_max.
        if (granted >= 2L * asked) {
            return granted;
        }
        try {
            udp.config().setOption(SO_RCVBUFFORCE, asked);
        } catch (RuntimeException e) {
            logger.debug("SO_RCVBUFFORCE refused: {}", e.toString());
        }
        int forced = granted(udp);
        if (forced >= 2L * asked) {
            logger.info("UDP receive buffer set to {} bytes past net.core.rmem_max, which allowed {}", asked, granted);
        } else {
            logger.info("UDP receive buffer is {} bytes, less than the {} asked for: net.core.rmem_max caps it, "
                    + "and this process may not pass the cap (CAP_NET_ADMIN); raise net.core.rmem_max to let "
                    + "bursts through", forced, asked);
        }
        return forced;
    }

    /**
     * Gives an epoll {@code udp} channel a read buffer of its own, allocated once and reused for every read
     * ({@link ReusedReadBuffer}), released when the channel closes. Call before the channel's first read. NIO
     * is left as it is: it holds every datagram of a wake-up, each in a buffer of its own, before it passes
     * them on, so there is no buffer free to hand out again.
     */
    static void reuseReadBuffer(Channel udp) {
        if (!(udp instanceof EpollDatagramChannel)) {
            return;
        }
        ReusedReadBuffer buffer = new ReusedReadBuffer(readBufferSize(udp), SLOT * DATAGRAMS_PER_BUSY_CALL);
        udp.config().setAllocator(buffer);
        ScheduledFuture<?> shrinking = udp.eventLoop().scheduleAtFixedRate(
                buffer::shrinkIfQuiet, QUIET_SECONDS, QUIET_SECONDS, TimeUnit.SECONDS);
        udp.closeFuture().addListener(f -> {
            shrinking.cancel(false);
            buffer.close();
        });
    }

    /** The size of each read's buffer: {@value #DATAGRAMS_PER_CALL} slots on epoll, one with NIO. */
    static int readBufferSize(Channel udp) {
        return udp instanceof EpollDatagramChannel ? readBufferSizeOnEpoll() : SLOT;
    }

    private static int readBufferSizeOnEpoll() {
        return SLOT * DATAGRAMS_PER_CALL;
    }

    private static int granted(Channel udp) {
        Integer granted = udp.config().getOption(ChannelOption.SO_RCVBUF);
        return granted == null ? 0 : granted;
    }
}
