package org.dualchat.netty.limit;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DatagramPacket;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.stats.ServerStats.Drop;
import org.dualchat.netty.stats.ServerStats;

/**
 * Holds UDP senders to their source's rate. UDP cannot be slowed down, so a datagram its source has no
 * tokens for is dropped whole and counted, before any work is spent decoding it. A datagram costs one
 * token per line it holds (at most a full burst), so packing lines into one datagram gains nothing.
 */
final class DatagramRateLimiter extends ChannelInboundHandlerAdapter {

    private final RateLimiter limiter;
    private final ServerStats stats;

    DatagramRateLimiter(RateLimiter limiter, ServerStats stats) {
        this.limiter = limiter;
        this.stats = stats;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof DatagramPacket) {
            DatagramPacket packet = (DatagramPacket) msg;
            InetAddress source = Addresses.source(packet.sender());
            int cost = Math.min(lines(packet.content()), limiter.burst());
            if (source != null && !limiter.tryTake(source, cost, ctx.executor().ticker().nanoTime())) {
                ReferenceCountUtil.release(msg);
                stats.drop(Drop.RATE_LIMIT);
                return;
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** The lines in a datagram, blank ones included, as the decoder will cut them; at least 1. */
    static int lines(ByteBuf content) {
        int end = content.writerIndex();
        int lines = 0;
        int from = content.readerIndex();
        int lf;
        while (from < end && (lf = content.indexOf(from, end, (byte) '\n')) >= 0) {
            lines++;
            from = lf + 1;
        }
        if (from < end) {
            lines++;
        }
        return Math.max(lines, 1);
    }
}
