package org.dualchat.netty.limit;

import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ipfilter.AbstractRemoteAddressFilter;
import java.net.InetSocketAddress;
import org.dualchat.netty.stats.ServerStats.Refusal;
import org.dualchat.netty.stats.ServerStats;

/**
 * Closes a TCP connection from a source the access list denies as soon as it is accepted, before a
 * byte is read or written, and counts it. A denied client is not told why: it is not ours to talk to.
 * Netty's filter removes this handler from an accepted connection's pipeline once it has passed.
 */
@Sharable
final class AccessFilter extends AbstractRemoteAddressFilter<InetSocketAddress> {

    private final AccessList access;
    private final ServerStats stats;

    /** One per server: it holds only the immutable list and the thread-safe counters. */
    AccessFilter(AccessList access, ServerStats stats) {
        this.access = access;
        this.stats = stats;
    }

    @Override
    protected boolean accept(ChannelHandlerContext ctx, InetSocketAddress remoteAddress) {
        return access.permits(remoteAddress);
    }

    @Override
    protected ChannelFuture channelRejected(ChannelHandlerContext ctx, InetSocketAddress remoteAddress) {
        stats.refuse(Refusal.DENIED);
        return null;
    }
}
