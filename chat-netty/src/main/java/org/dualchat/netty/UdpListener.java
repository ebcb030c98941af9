package org.dualchat.netty;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.common.Transport;
import org.dualchat.netty.limit.DropCounter;
import org.dualchat.netty.room.ChatRoom;
import org.dualchat.netty.room.LocalRoom;
import org.dualchat.netty.room.RelayOptions;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.stats.UdpKernelDrops;

/**
 * The server's UDP port: its receive path warmed before it binds, its channel, the receive buffer the kernel
 * granted, and the kernel's count of the datagrams it dropped, read from {@code /proc} once a second on
 * Netty's global executor, never on an event loop.
 */
final class UdpListener {

    private final ListenOptions listen;
    private final ServerStats stats;
    private final DropCounter drops;
    private Channel channel;
    private UdpKernelDrops kernelDrops;
    private ScheduledFuture<?> refreshing;

    UdpListener(ListenOptions listen, ServerStats stats) {
        this.listen = listen;
        this.stats = stats;
        this.drops = new DropCounter("UDP messages because the output queue was full", stats,
                ServerStats.Drop.QUEUE_FULL);
    }

    /** What the server dropped itself (its output queue full), not the kernel. */
    DropCounter drops() {
        return drops;
    }

    /**
     * Warms the receive path (a fresh JVM reads slowly), then binds {@code address} with {@code stages}.
     *
     * @throws IOException if the port cannot be bound, the message naming it and the reason
     */
    Channel bind(EventLoopGroup group, Transport transport, UdpChannelInitializer stages, MessageSink sink,
            InetSocketAddress address, boolean relay) throws IOException {
        // With relay on, through a room of its own (no members, a history nobody sees): the real one is untouched.
        ChatRoom warmUpRoom = relay ? new LocalRoom(new ServerStats(), RelayOptions.MIN_RELAY_BUDGET, null,
                RelayOptions.DEFAULT_HISTORY) : null;
        UdpWarmUp.run(init -> bootstrap(group, transport, init), sink, UdpWarmUp.datagrams(), warmUpRoom);
        channel = ChatServer.bind("UDP", bootstrap(group, transport, stages), address);
        return channel;
    }

    /** Once the server serves: checks the receive buffer granted, and counts the kernel's drops from now on. */
    void serving() {
        UdpReceiveOptions.ensureGranted(channel, listen.udpReceiveBuffer());
        kernelDrops = UdpKernelDrops.of((InetSocketAddress) channel.localAddress());
        kernelDrops.refresh();
        stats.udpKernelDrops(kernelDrops);
        refreshing = GlobalEventExecutor.INSTANCE.scheduleAtFixedRate(kernelDrops::refresh, 1, 1, TimeUnit.SECONDS);
    }

    /** The channel, or null before {@link #bind}. */
    Channel channel() {
        return channel;
    }

    /** Reads the kernel's drops a last time (it forgets them with the socket), then closes the port. */
    void close() {
        if (refreshing != null) {
            refreshing.cancel(false);
        }
        if (kernelDrops != null) {
            kernelDrops.refresh();
        }
        if (channel != null) {
            channel.close().awaitUninterruptibly();
        }
    }

    private Bootstrap bootstrap(EventLoopGroup group, Transport transport, UdpChannelInitializer initializer) {
        Bootstrap bootstrap = new Bootstrap()
                .group(group)
                .channel(transport.datagramChannel())
                .option(ChannelOption.SO_RCVBUF, listen.udpReceiveBuffer())
                .handler(initializer);
        // Whole datagrams up to 64 KB; on epoll, several per recvmmsg call.
        return UdpReceiveOptions.apply(bootstrap, transport);
    }
}
