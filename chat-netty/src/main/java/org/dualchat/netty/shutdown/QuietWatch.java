package org.dualchat.netty.shutdown;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.DuplexChannel;
import io.netty.handler.ssl.SslHandler;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.common.OutputEnding;

/**
 * Put first in the pipeline of a channel that is to stop: lets reading go on until the channel has been
 * quiet for a while, then closes it. A TCP client is first told that the server is shutting down and its
 * output is shut, and only after a second quiet spell (or its own close) is it closed: what it wrote
 * meanwhile is read, not reset away. Runs on the channel's event loop only, and never waits there.
 *
 * <p>The notice waits for the first quiet spell on purpose. A client that has closed while its last lines
 * are still on their way answers any byte we send with a reset, which makes its kernel throw away those
 * lines; once the connection is quiet, they have all been read.
 */
final class QuietWatch extends ChannelInboundHandlerAdapter {

    static final byte[] NOTICE = "* server shutting down\n".getBytes(StandardCharsets.UTF_8);

    // A check that runs this much after it was due ran on a busy event loop, which may not have read what
    // is already waiting in the socket: it is no evidence of quiet (as in LineFramer).
    private static final long MAX_LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(50);

    private final long quietNanos;
    private final boolean notify;
    private long lastRead;
    private long due;
    private boolean notified;
    private ScheduledFuture<?> check;

    /**
     * @param quietNanos how long the channel must have had nothing to read
     * @param notify whether to tell the client and shut the output before the last quiet spell (TCP)
     */
    QuietWatch(long quietNanos, boolean notify) {
        this.quietNanos = quietNanos;
        this.notify = notify;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        lastRead = System.nanoTime();
        schedule(ctx, quietNanos);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        lastRead = System.nanoTime();
        ctx.fireChannelRead(msg);
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

    private void schedule(ChannelHandlerContext ctx, long delay) {
        due = System.nanoTime() + delay;
        check = ctx.executor().schedule(() -> check(ctx), delay, NANOSECONDS);
    }

    private void cancel() {
        if (check != null) {
            check.cancel(false);
            check = null;
        }
    }

    private void check(ChannelHandlerContext ctx) {
        check = null;
        Channel channel = ctx.channel();
        if (!channel.isOpen()) {
            return;
        }
        long now = System.nanoTime();
        // Paused reading (a full sink, a rate limit) is not a quiet sender; nor is a late check proof of quiet.
        if (!channel.config().isAutoRead() || now - due > Math.min(quietNanos / 4, MAX_LATE_NANOS)) {
            lastRead = now;
        }
        long quietFor = now - lastRead;
        if (quietFor < quietNanos) {
            schedule(ctx, quietNanos - quietFor);
            return;
        }
        if (notify && !notified && channel.isActive()) {
            notified = true;
            tellAndShutOutput(channel);
            lastRead = now;
            schedule(ctx, quietNanos);
            return;
        }
        channel.close();
    }

    /** Tells the client, unless it was told already, and closes; on the channel's event loop. */
    void closeNow(Channel channel) {
        cancel();
        if (!notified) {
            notified = true;
            tellAndShutOutput(channel);
        }
        channel.close();
    }

    /**
     * The notice, then the end of our output (over TLS, close_notify first; over WebSocket, a close frame),
     * so the client reads to the end.
     */
    static void tellAndShutOutput(Channel channel) {
        channel.writeAndFlush(Unpooled.wrappedBuffer(NOTICE)).addListener(written -> {
            SslHandler tls = channel.pipeline().get(SslHandler.class);
            if (tls == null) {
                shutOutput(channel);
            } else {
                tls.closeOutbound().addListener(sent -> shutOutput(channel));
            }
        });
    }

    private static void shutOutput(Channel channel) {
        if (!channel.isActive()) {
            return;
        }
        for (Map.Entry<String, ChannelHandler> entry : channel.pipeline()) {
            if (entry.getValue() instanceof OutputEnding ending) {
                ending.endOutput(channel.pipeline().context(entry.getValue()));
                return;
            }
        }
        if (channel instanceof DuplexChannel duplex) {
            duplex.shutdownOutput();
        }
    }
}
