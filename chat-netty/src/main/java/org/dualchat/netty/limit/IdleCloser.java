package org.dualchat.netty.limit;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.timeout.IdleState;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells a TCP client that has sent no message for the idle timeout so, in one line, and closes it.
 *
 * <p>It sits after the framer, so what keeps a connection alive is a message (a line, a partial line
 * the framer delivered after its quiet time, a piece of an over-long line), not a byte: a client that
 * trickles bytes and never completes a line is as idle as a silent one. While the server itself has
 * paused reading (a full sink, a rate limit) the client is not judged: the silence is ours.
 */
final class IdleCloser extends IdleStateHandler {

    private static final Logger logger = LoggerFactory.getLogger(IdleCloser.class);

    private final byte[] notice;

    IdleCloser(Duration timeout) {
        super(false, timeout.toNanos(), 0, 0, NANOSECONDS);
        this.notice = ("Idle timeout: no message in " + describe(timeout) + ", closing\n")
                .getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void channelIdle(ChannelHandlerContext ctx, IdleStateEvent evt) {
        if (evt.state() != IdleState.READER_IDLE || !ctx.channel().config().isAutoRead()) {
            // Paused by us: IdleStateHandler looks again one timeout later.
            return;
        }
        logger.debug("{} idle, closing", ctx.channel());
        // No wait for the write: a client that reads nothing must not keep its slot by not reading this.
        ctx.writeAndFlush(Unpooled.wrappedBuffer(notice), ctx.voidPromise());
        ctx.close();
    }

    /** {@code 300 seconds}, {@code 1.5 seconds}: what the operator set, in the unit the option takes. */
    static String describe(Duration timeout) {
        long millis = timeout.toMillis();
        if (millis % 1000 == 0) {
            long seconds = millis / 1000;
            return seconds + (seconds == 1 ? " second" : " seconds");
        }
        return millis / 1000.0 + " seconds";
    }
}
