package org.dualchat.netty.client;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;

/**
 * Lets a thread outside the event loop wait until its channel can take more writes, so that a fast
 * producer (a pipe into stdin) is held back by the socket instead of queueing without bound. The event
 * loop only signals; it never waits.
 */
final class WritabilityGate extends ChannelInboundHandlerAdapter {

    /**
     * Waits while {@code channel} is open and above its high water mark.
     *
     * @return whether the channel is still open
     */
    synchronized boolean awaitWritable(Channel channel) throws InterruptedException {
        while (channel.isActive() && !channel.isWritable()) {
            // The timeout is only a safety net: every change of writability or activity signals.
            wait(100);
        }
        return channel.isActive();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        signal();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        signal();
        ctx.fireChannelInactive();
    }

    private synchronized void signal() {
        notifyAll();
    }
}
