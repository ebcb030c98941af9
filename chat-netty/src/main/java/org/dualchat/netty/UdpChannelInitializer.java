package org.dualchat.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramChannel;
import org.dualchat.core.MessageSink;

/** Builds the UDP pipeline: count, datagram to lines, lines to the sink. */
final class UdpChannelInitializer extends ChannelInitializer<DatagramChannel> {

    private final MessageSink sink;
    private final DropCounter dropped;
    private final ServerStats stats;
    private final DatagramLineDecoder decoder;

    UdpChannelInitializer(MessageSink sink, DropCounter dropped, ServerStats stats) {
        this.sink = sink;
        this.dropped = dropped;
        this.stats = stats;
        this.decoder = new DatagramLineDecoder(stats);
    }

    @Override
    protected void initChannel(DatagramChannel ch) {
        ch.pipeline()
                .addLast("counter", new UdpTrafficCounter(stats))
                .addLast("decoder", decoder)
                .addLast("handler", new UdpMessageHandler(sink, dropped));
    }
}
