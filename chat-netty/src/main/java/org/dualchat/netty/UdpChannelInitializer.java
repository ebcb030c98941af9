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
    private final Room room;

    UdpChannelInitializer(MessageSink sink, DropCounter dropped, ServerStats stats, Room room) {
        this.sink = sink;
        this.dropped = dropped;
        this.stats = stats;
        this.decoder = new DatagramLineDecoder(stats);
        this.room = room;
    }

    @Override
    protected void initChannel(DatagramChannel ch) {
        ch.pipeline()
                .addLast("counter", new UdpTrafficCounter(stats))
                .addLast("decoder", decoder)
                .addLast("handler", new UdpMessageHandler(sink, dropped, room));
    }
}
