package org.dualchat.netty.stats;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;

/**
 * First in the UDP pipeline, as {@link TcpTrafficCounter} is in TCP's: counts every datagram read and its bytes
 * in the server's stats, before the access list, the rate limit or the decoder may drop it.
 */
public final class UdpTrafficCounter extends ChannelInboundHandlerAdapter {

    private final ServerStats stats;

    public UdpTrafficCounter(ServerStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket) {
            stats.datagramReceived(((DatagramPacket) msg).content().readableBytes());
        }
        ctx.fireChannelRead(msg);
    }
}
