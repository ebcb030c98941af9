package org.dualchat.netty.limit;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import java.net.InetAddress;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.stats.ServerStats.Refusal;
import org.dualchat.netty.stats.ServerStats;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Admits a new TCP connection within the total and per-source limits, or tells the client why not in
 * one line and closes it. A refused connection goes no further: the handlers after this one never see
 * it become active, read from it or go inactive, so it is not greeted, printed or logged one by one
 * (the refusals are counted and summed up once a second instead).
 */
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(ConnectionLimiter.class);

    private final ConnectionCounter counter;
    private final ServerStats stats;
    private InetAddress source;
    private boolean admitted;

    ConnectionLimiter(ConnectionCounter counter, ServerStats stats) {
        this.counter = counter;
        this.stats = stats;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        // Every TCP peer has an IP; anything else (a test's channel) is let through uncounted.
        source = Addresses.source(ctx.channel().remoteAddress());
        Refusal refusal = source == null ? null : counter.tryOpen(source);
        if (refusal == null) {
            admitted = true;
            ctx.fireChannelActive();
            return;
        }
        stats.refuse(refusal);
        logger.debug("{} refused: {}", ctx.channel(), refusal);
        // A fresh connection's send buffer is empty: the line goes out in this flush, before the close.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(counter.message(refusal)), ctx.voidPromise());
        ctx.close();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (admitted) {
            ctx.fireChannelRead(msg);
        } else {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        if (admitted) {
            ctx.fireChannelReadComplete();
        }
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (admitted) {
            ctx.fireUserEventTriggered(evt);
        } else {
            ReferenceCountUtil.release(evt);
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (admitted) {
            ctx.fireChannelWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (admitted) {
            admitted = false;
            if (source != null) {
                counter.closed(source);
            }
            ctx.fireChannelInactive();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (admitted) {
            ctx.fireExceptionCaught(cause);
        } else {
            logger.debug("{} error on a refused connection: {}", ctx.channel(), cause.toString());
            ctx.close();
        }
    }
}
