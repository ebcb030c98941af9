package org.dualchat.netty.common;

import io.netty.channel.IoHandlerFactory;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.ServerSocketChannel;
import io.netty.channel.socket.nio.NioDatagramChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;

/** The I/O handler factory and channel classes of one Netty transport. */
public record Transport(
        String name,
        IoHandlerFactory ioHandlerFactory,
        Class<? extends ServerSocketChannel> serverChannel,
        Class<? extends DatagramChannel> datagramChannel) {

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

    private static Transport nio() {
        return new Transport("nio", NioIoHandler.newFactory(), NioServerSocketChannel.class, NioDatagramChannel.class);
    }

    private static Transport epoll() {
        return new Transport(
                "epoll", EpollIoHandler.newFactory(), EpollServerSocketChannel.class, EpollDatagramChannel.class);
    }
}
