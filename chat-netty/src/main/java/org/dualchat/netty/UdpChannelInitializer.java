package org.dualchat.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramChannel;
import org.dualchat.core.MessageSink;

/** Builds the UDP pipeline: datagram to lines, lines to the sink. */
final class UdpChannelInitializer extends ChannelInitializer<DatagramChannel> {

    private final MessageSink sink;
    private final DropCounter dropped;
    private final Room room;

    UdpChannelInitializer(MessageSink sink, DropCounter dropped, Room room) {
        this.sink = sink;
        this.dropped = dropped;
        this.room = room;
    }

    @Override
    protected void initChannel(DatagramChannel ch) {
        ch.pipeline()
                .addLast("decoder", DatagramLineDecoder.INSTANCE)
                .addLast("handler", new UdpMessageHandler(sink, dropped, room));
    }
}
