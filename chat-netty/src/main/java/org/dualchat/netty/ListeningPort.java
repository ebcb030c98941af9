package org.dualchat.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.util.NetUtil;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.common.Reasons;

/**
 * One TCP port the server listens on (chat, TLS or the chat page): one listening socket, or with epoll several
 * bound to the same address with {@code SO_REUSEPORT}.
 *
 * <p>The kernel queues at most {@code net.core.somaxconn} connections a listening socket for the server to accept
 * (4,096 on most systems). A crowd larger than that, arriving faster than the event loop accepts (a fresh JVM's loop
 * shares the cores with the JIT), has its SYNs dropped, and each of those clients connects at its SYN retry, a second
 * later. So a port whose connection limit is larger than one queue is bound by enough sockets for their queues to
 * hold the limit with a tenth to spare: the kernel spreads arriving connections over them by a hash of the two
 * addresses, not evenly, and a full queue drops a SYN even while another has room (a burst of exactly 8,192 over
 * two queues of 4,096 would overflow one of them almost every time). The event loop group accepts from each. With
 * the default limit (4,096) it is one socket, as before.
 *
 * <p>Linux lets any socket of the same user join a port bound with {@code SO_REUSEPORT}; a second server started
 * on the port would share its clients with the first instead of failing. Before binding a fixed port that way, a
 * plain socket is bound to it (bound only: it never listens) and closed again, so that a port in use is refused as
 * {@code Address already in use}, as with one socket. That check is all there is: two servers started within the
 * same moment could both pass it, and a process of the same user that binds the port with {@code SO_REUSEPORT}
 * later joins the group and takes a share of new clients; Linux has no way to close a group.
 *
 * <p>The port counts what its sockets accept (the server-channel handler of its copy of the bootstrap), for the
 * stop, which lets them accept what the kernel has queued before closing them.
 */
final class ListeningPort {

    /** The most sockets one port is bound by; for crowds beyond their queues the remedy is the sysctl. */
    static final int MAX_SOCKETS = 16;

    private final List<Channel> sockets;
    private final int acceptQueue;
    private final AcceptCounter accepted;

    private ListeningPort(List<Channel> sockets, int acceptQueue, AcceptCounter accepted) {
        this.sockets = List.copyOf(sockets);
        this.acceptQueue = acceptQueue;
        this.accepted = accepted;
    }

    /**
     * How many sockets the port is bound by: 1 if one queue of {@code backlog} (as the kernel caps it) holds
     * {@code maxConnections}, else enough that their queues hold a tenth more than that (the hash spreads
     * connections unevenly), at most {@link #MAX_SOCKETS}; 1 without {@code SO_REUSEPORT}.
     */
    static int socketsFor(int maxConnections, int backlog, boolean reusePort) {
        if (!reusePort || backlog <= 0 || maxConnections <= backlog) {
            return 1;
        }
        long withSpare = (long) maxConnections * 11;
        long needed = (withSpare + 10L * backlog - 1) / (10L * backlog);
        return (int) Math.min(MAX_SOCKETS, needed);
    }

    /**
     * Binds {@code address} for a copy of {@code given}'s server channel ({@code given} is left as it is), with
     * accept queues of {@code backlog} and as many sockets as {@link #socketsFor} says ({@code reusePort}: the
     * transport is epoll).
     *
     * @throws IOException if the address cannot be bound; the message names the protocol, the address and the
     *     reason, for example {@code TCP [::]:2222: Address already in use}
     */
    static ListeningPort bind(String protocol, ServerBootstrap given, InetSocketAddress address,
            int maxConnections, int backlog, boolean reusePort) throws IOException {
        if (given.config().handler() != null) {
            throw new IllegalArgumentException("the bootstrap's server-channel handler is the port's accept counter");
        }
        AcceptCounter accepted = new AcceptCounter();
        ServerBootstrap bootstrap = given.clone().option(ChannelOption.SO_BACKLOG, backlog).handler(accepted);
        int queue = Math.min(backlog, NetUtil.SOMAXCONN); // what the kernel makes of the backlog asked for
        int count = socketsFor(maxConnections, queue, reusePort);
        if (count > 1) {
            if (address.getPort() != 0) {
                checkFree(protocol, address);
            }
            bootstrap.option(EpollChannelOption.SO_REUSEPORT, true);
        }
        List<Channel> sockets = new ArrayList<>(count);
        try {
            sockets.add(ChatServer.bind(protocol, bootstrap, address));
            // With port 0 the first socket's port, which the others join.
            InetSocketAddress bound = (InetSocketAddress) sockets.get(0).localAddress();
            while (sockets.size() < count) {
                sockets.add(ChatServer.bind(protocol, bootstrap, bound));
            }
        } catch (IOException | RuntimeException e) {
            sockets.forEach(socket -> socket.close().awaitUninterruptibly());
            throw e;
        }
        return new ListeningPort(sockets, count * queue, accepted);
    }

    /**
     * Binds and closes a plain socket on {@code address}, without listening (a client arriving meanwhile is not
     * accepted and reset): a port someone listens on fails here, as it would alone.
     */
    private static void checkFree(String protocol, InetSocketAddress address) throws IOException {
        try (SocketChannel probe = SocketChannel.open()) {
            // As the listeners themselves: a port whose last connections are in TIME_WAIT is free.
            probe.setOption(StandardSocketOptions.SO_REUSEADDR, true);
            probe.bind(address);
        } catch (IOException | RuntimeException e) {
            // RuntimeException: an address family the JDK's sockets lack here (an IPv6 address on an IPv4 stack).
            throw new IOException(protocol + " " + Addresses.withPort(address) + ": " + Reasons.of(e), e);
        }
    }

    /** The listening sockets, the first one bound first. */
    List<Channel> sockets() {
        return sockets;
    }

    /** How many connections the kernel queues for this port, all its sockets together. */
    int acceptQueue() {
        return acceptQueue;
    }

    /** How many connections the kernel holds for this port at most: one more than the backlog a socket. */
    long queued() {
        return (long) acceptQueue + sockets.size();
    }

    /** How many connections the port's sockets have accepted so far. */
    long accepted() {
        return accepted.count.sum();
    }

    /** The address bound: with port 0, the port the system chose. */
    InetSocketAddress localAddress() {
        return (InetSocketAddress) sockets.get(0).localAddress();
    }

    /** Closes every socket, then waits for each (a connection arriving meanwhile finds none of them open). */
    void close() {
        List<ChannelFuture> closing = new ArrayList<>(sockets.size());
        for (Channel socket : sockets) {
            closing.add(socket.close());
        }
        closing.forEach(ChannelFuture::awaitUninterruptibly);
    }

    /** Counts each connection a listening socket accepts (its new channel) on its way to the bootstrap's acceptor. */
    @Sharable
    private static final class AcceptCounter extends ChannelInboundHandlerAdapter {
        final LongAdder count = new LongAdder();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object accepted) {
            count.increment();
            ctx.fireChannelRead(accepted);
        }
    }
}
