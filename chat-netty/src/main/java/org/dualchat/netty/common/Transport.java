package org.dualchat.netty.common;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;

/**
 * The I/O handler factory and channel classes of one Netty transport: the one place that chooses between
 * native epoll and NIO, for the server, the clients and the load generators.
 */
public record Transport(
        String name,
        IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerSocketChannel> serverChannel,
        Class<? extends SocketChannel> socketChannel,
        Class<? extends DatagramChannel> datagramChannel) {

    /**
     * The transport {@code type} names; {@link TransportType#AUTO} is epoll where the platform has it.
     *
     * @throws IllegalStateException if epoll is asked for and not available here
     */
    public static Transport of(TransportType type) {
        switch (type) {
            case NIO:
                return nio();
            case EPOLL:
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException(
                            "the epoll transport is not available here: " + Epoll.unavailabilityCause());
                }
                return epoll();
            case AUTO:
            default:
                return Epoll.isAvailable() ? epoll() : nio();
        }
    }

    /** Whether this is the native epoll transport, whose Linux-only socket options NIO lacks. */
    public boolean isEpoll() {
        return EpollServerSocketChannel.class.equals(serverChannel);
    }

    /** The system property with which Netty's default event loop count is set; the server honours it too. */
    public static final String EVENT_LOOP_THREADS_PROPERTY = "io.netty.eventLoopThreads";

    /**
     * The server's event loop count: {@code requested} if it is not 0; otherwise one fewer than the
     * cores, at least one, unless {@value #EVENT_LOOP_THREADS_PROPERTY} is set (then 0: Netty's default,
     * which reads it). Netty's own default, twice the cores, suits a server whose loops do all the work;
     * here a busy server also has its printing thread (the sink) and its collector, and more loops than
     * cores left for them made it slower, not faster: on 2 cores with 100 connections, 4 loops spent
     * 1.26 CPU-s per million lines printed with {@code --no-relay} and 2.77 with relay on, 1 loop 0.70 and
     * 1.26 (the sink starved fell behind, its queue filled the heap, the collector ran more; relays
     * crossed between loops).
     *
     * @param cores the processors available, {@link Runtime#availableProcessors()} but for tests
     */
    public static int serverThreads(int requested, int cores) {
        if (requested > 0) {
            return requested;
        }
        return System.getProperty(EVENT_LOOP_THREADS_PROPERTY) != null ? 0 : Math.max(1, cores - 1);
    }

    /** An event loop group of {@code threads} (0 for Netty's default) on this transport. */
    public EventLoopGroup newGroup(int threads, ThreadFactory threadFactory) {
        return new MultiThreadIoEventLoopGroup(threads, threadFactory, ioHandlerFactory);
    }

    /** Shuts {@code group} down at once and waits a little for it, for clients and load generators. */
    public static void shutdown(EventLoopGroup group) {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    private static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioSocketChannel.class,
                NioDatagramChannel.class);
    }

    private static Transport epoll() {
        // Epoll also writes a flushed run of datagrams with one sendmmsg call, where NIO makes one call each.
        return new Transport("epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class,
                EpollSocketChannel.class, EpollDatagramChannel.class);
    }
}
