package org.dualchat.netty.stats;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * First in a TCP client's pipeline, as {@link UdpTrafficCounter} is in UDP's: counts the connection and every
 * byte read from it in the server's stats, before the access list, the limits, TLS and framing. One per channel.
 */
public final class TcpTrafficCounter extends ChannelInboundHandlerAdapter {

    private final ServerStats stats;
    private boolean counted;

    public TcpTrafficCounter(ServerStats stats) {
        this.stats = stats;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        counted = true;
        stats.connectionOpened();
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof ByteBuf) {
            stats.tcpBytesReceived(((ByteBuf) msg).readableBytes());
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Only a connection counted as opened is counted as closed, so "current" never goes below zero.
        if (counted) {
            counted = false;
            stats.connectionClosed();
        }
        ctx.fireChannelInactive();
    }
}
