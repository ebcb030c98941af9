package org.dualchat.netty.limit;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import org.dualchat.netty.stats.ServerStats.Drop;
import org.dualchat.netty.stats.ServerStats;

/** Drops and counts each datagram from a source the access list denies, before it is decoded. */
final class DatagramAccessFilter extends ChannelInboundHandlerAdapter {

    private final AccessList access;
    private final ServerStats stats;

    DatagramAccessFilter(AccessList access, ServerStats stats) {
        this.access = access;
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket && !access.permits(((DatagramPacket) msg).sender())) {
            ReferenceCountUtil.release(msg);
            stats.drop(Drop.DENIED);
            return;
        }
        ctx.fireChannelRead(msg);
    }
}
