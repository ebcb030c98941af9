package org.dualchat.netty.limit;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.concurrent.ScheduledFuture;
import java.net.InetAddress;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.common.ReadGate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Holds a TCP client to its source's rate: each line it sends takes a token, and once the source is
 * over its rate, reading from this connection pauses until it is back within. Nothing is dropped: the
 * lines already read go on, and the client's own socket buffers fill until it slows down. Sits after
 * the framer, so it counts lines (and pieces of over-long lines), not reads.
 */
final class TcpRateLimiter extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(TcpRateLimiter.class);

    private final RateLimiter limiter;
    private InetAddress source;
    private ReadGate gate;
    private ScheduledFuture<?> resume;

    TcpRateLimiter(RateLimiter limiter) {
        this.limiter = limiter;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        gate = ReadGate.of(ctx.channel());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (source == null) {
            source = Addresses.source(ctx.channel().remoteAddress());
        }
        if (source != null) {
            long wait = limiter.take(source, ctx.executor().ticker().nanoTime());
            if (wait > 0 && resume == null) {
                logger.debug("{} over the rate limit: reading paused for {} ms", ctx.channel(),
                        NANOSECONDS.toMillis(wait));
                gate.pause(ReadGate.Reason.RATE_LIMIT);
                resume = ctx.executor().schedule(() -> resumeWhenDue(ctx), wait, NANOSECONDS);
            }
        }
        ctx.fireChannelRead(msg);
    }

    /** Resumes reading, unless the source has run up more debt meanwhile (other connections, late lines). */
    private void resumeWhenDue(ChannelHandlerContext ctx) {
        long wait = limiter.debt(source, ctx.executor().ticker().nanoTime());
        if (wait > 0 && ctx.channel().isActive()) {
            resume = ctx.executor().schedule(() -> resumeWhenDue(ctx), wait, NANOSECONDS);
            return;
        }
        resume = null;
        gate.resume(ReadGate.Reason.RATE_LIMIT);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        cancel();
        ctx.fireChannelInactive();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancel();
    }

    private void cancel() {
        if (resume != null) {
            resume.cancel(false);
            resume = null;
        }
    }
}
