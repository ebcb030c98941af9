package org.dualchat.netty.limit;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.AttributeKey;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import java.util.concurrent.TimeUnit;
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
 *
 * <p>A refused client may have written already. Closing with its bytes unread would make our kernel
 * answer with a reset, and a reset makes the client's kernel throw away the refusal line before the
 * client reads it. So after the line the output is shut down, and what the client sends is read and
 * discarded until it closes too, or for {@value #LINGER_MILLIS} ms at most.
 */
final class ConnectionLimiter extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(ConnectionLimiter.class);

    static final long LINGER_MILLIS = 2_000;
    static final AttributeKey<Boolean> REFUSED = AttributeKey.valueOf(ConnectionLimiter.class, "refused");

    private final ConnectionCounter counter;
    private final ServerStats stats;
    private InetAddress source;
    private boolean admitted;
    private boolean lingering;
    private ScheduledFuture<?> lingerEnd;

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
        ctx.channel().attr(REFUSED).set(Boolean.TRUE);
        logger.debug("{} refused: {}", ctx.channel(), refusal);
        // A fresh connection's send buffer is empty: the line goes out in this flush.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(counter.message(refusal))).addListener(f -> linger(ctx));
    }

    /** Stops writing, and keeps reading (to discard) until the client closes or the linger runs out. */
    private void linger(ChannelHandlerContext ctx) {
        Channel channel = ctx.channel();
        if (!(channel instanceof DuplexChannel duplex) || !channel.isActive() || !counter.tryLinger()) {
            ctx.close();
            return;
        }
        lingering = true;
        duplex.shutdownOutput();
        lingerEnd = ctx.executor().schedule(() -> {
            ctx.close();
        }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
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
            return;
        }
        if (evt instanceof ChannelInputShutdownEvent) {
            // The refused client has closed its side: it has read, or will never read, the line.
            ctx.close();
        }
        ReferenceCountUtil.release(evt);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (admitted) {
            ctx.fireChannelWritabilityChanged();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (lingering) {
            lingering = false;
            lingerEnd.cancel(false);
            counter.lingerEnded();
        }
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
