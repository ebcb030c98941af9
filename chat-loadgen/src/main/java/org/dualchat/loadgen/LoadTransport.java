package org.dualchat.loadgen;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.common.TransportType;

/** The client side of a Netty transport, for the load generators: native epoll where there is one. */
record LoadTransport(
        String name,
        IoHandlerFactory ioHandlerFactory,
        Class<? extends SocketChannel> socketChannel,
        Class<? extends DatagramChannel> datagramChannel) {

    static LoadTransport of(TransportType type) {
        boolean epoll = switch (type) {
            case NIO -> false;
            case EPOLL -> {
                if (!Epoll.isAvailable()) {
                    throw new IllegalStateException(
                            "the epoll transport is not available here: " + Epoll.unavailabilityCause());
                }
                yield true;
            }
            case AUTO -> Epoll.isAvailable();
        };
        // Epoll writes a flushed run of datagrams with one sendmmsg call; NIO makes one send call each.
        return epoll
                ? new LoadTransport("epoll", EpollIoHandler.newFactory(), EpollSocketChannel.class,
                        EpollDatagramChannel.class)
                : new LoadTransport("nio", NioIoHandler.newFactory(), NioSocketChannel.class,
                        NioDatagramChannel.class);
    }

    /** A group of daemon threads, so that a load that is never closed cannot keep the JVM alive. */
    EventLoopGroup newGroup(int threads) {
        return new MultiThreadIoEventLoopGroup(threads, new DefaultThreadFactory("dualchat-bench", true),
                ioHandlerFactory);
    }

    static void shutdown(EventLoopGroup group) {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
    }

    /** Why a connect failed, in a user's words: {@code Connection refused}, without Netty's wrapping. */
    static String reason(Throwable cause) {
        String message = cause.getMessage();
        if (message == null || message.isEmpty()) {
            return cause.getClass().getSimpleName();
        }
        // Netty adds ": /127.0.0.1:2222" to the reason, and epoll puts "connect(..) failed with error(-111): " before it.
        int address = message.indexOf(": /");
        if (address > 0) {
            message = message.substring(0, address);
        }
        int errno = message.indexOf("): ");
        return message.contains("failed with error(") && errno > 0 ? message.substring(errno + 3) : message;
    }
}
