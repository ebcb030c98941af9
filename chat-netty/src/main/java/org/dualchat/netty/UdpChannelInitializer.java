package org.dualchat.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramChannel;
import org.dualchat.core.MessageSink;

/** Builds the UDP pipeline: datagram to lines, lines to the sink. */
final class UdpChannelInitializer extends ChannelInitializer<DatagramChannel> {

    private final MessageSink sink;
    private final DropCounter dropped;
    private final Limits limits;

    UdpChannelInitializer(MessageSink sink, DropCounter dropped, Limits limits) {
        this.sink = sink;
        this.dropped = dropped;
        this.limits = limits;
    }

    @Override
    protected void initChannel(DatagramChannel ch) {
        // Denied and over-rate datagrams are dropped before any work is spent decoding them.
        Limits.addIfOn(ch.pipeline(), "acl", limits.newDatagramAccessFilter());
        Limits.addIfOn(ch.pipeline(), "rate", limits.newDatagramRateLimiter());
        ch.pipeline()
                .addLast("decoder", DatagramLineDecoder.INSTANCE)
                .addLast("handler", new UdpMessageHandler(sink, dropped));
    }
}
