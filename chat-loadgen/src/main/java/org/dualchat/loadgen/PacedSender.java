package org.dualchat.loadgen;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Sends one sender's share of a load on its channel's event loop, at its rate or as fast as the channel
 * takes it, and stops at its quota or its deadline. It never blocks the loop: it sends what is due,
 * at most one batch a turn, and comes back when more is due or when the channel is writable again.
 *
 * <p>Added to the pipeline as the handler that hears about writability.
 */
abstract class PacedSender extends ChannelInboundHandlerAdapter {

    // Finer than this the event loop's timer cannot wait anyway: send what is due in small bursts instead.
    private static final long MIN_TICK_NANOS = 50_000;

    private final long quota;
    private final double perNano;
    private final int maxPerTurn;
    private Channel channel;
    private long start;
    private long deadline;
    private long sent;
    private boolean waitingForWritable;
    private boolean finished;
    /** Completes with the number sent once the last message has been written to the socket. */
    final CompletableFuture<Long> done = new CompletableFuture<>();

    PacedSender(long quota, double perNano, int maxPerTurn) {
        this.quota = quota;
        this.perNano = perNano;
        this.maxPerTurn = maxPerTurn;
    }

    /** Starts sending on {@code channel}'s event loop; {@code start} is the run's common time zero. */
    final void start(Channel channel, long start, long deadline) {
        this.channel = channel;
        this.start = start;
        this.deadline = deadline;
        channel.eventLoop().execute(this::pump);
    }

    /** Writes (without flushing) the messages numbered {@code first} to {@code first + n - 1}. */
    abstract void write(Channel channel, long first, int n);

    /** Runs on the event loop once the last write has left; closes or half-closes as the protocol wants. */
    void finish(Channel channel) {
    }

    final long sent() {
        return sent;
    }

    private void pump() {
        if (finished) {
            return;
        }
        long now = System.nanoTime();
        if (sent >= quota || now - deadline >= 0 || !channel.isActive()) {
            end();
            return;
        }
        long due = perNano == 0 ? quota : Math.min(quota, 1 + (long) ((now - start) * perNano));
        int n = (int) Math.min(due - sent, maxPerTurn);
        if (n > 0 && channel.isWritable()) {
            write(channel, sent, n);
            sent += n;
            channel.flush();
        }
        if (sent >= quota) {
            end();
        } else if (!channel.isWritable()) {
            waitingForWritable = true;
        } else if (sent < due) {
            channel.eventLoop().execute(this::pump);
        } else {
            long nextDue = start + (long) Math.ceil((sent + 1) / perNano);
            channel.eventLoop().schedule(this::pump, Math.max(MIN_TICK_NANOS, nextDue - now), TimeUnit.NANOSECONDS);
        }
    }

    private void end() {
        finished = true;
        // Writes complete in order: once this empty one has, everything before it is in the socket.
        channel.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> {
            finish(channel);
            done.complete(sent);
        });
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (waitingForWritable && ctx.channel().isWritable()) {
            waitingForWritable = false;
            pump();
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        if (!finished) {
            finished = true;
            done.complete(sent);
        }
        ctx.fireChannelInactive();
    }
}
