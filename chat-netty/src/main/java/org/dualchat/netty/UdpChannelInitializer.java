package org.dualchat.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramChannel;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.codec.DatagramLineDecoder;
import org.dualchat.netty.limit.DropCounter;
import org.dualchat.netty.limit.Limits;
import org.dualchat.netty.room.ChatRoom;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.stats.UdpTrafficCounter;

/** Builds the UDP pipeline: count, check the access list and the rate, datagram to lines, lines to the sink. */
final class UdpChannelInitializer extends ChannelInitializer<DatagramChannel> {

    private final MessageSink sink;
    private final DropCounter dropped;
    private final ServerStats stats;
    private final DatagramLineDecoder decoder;
    private final Limits limits;
    private final ChatRoom room;

    UdpChannelInitializer(MessageSink sink, DropCounter dropped, ServerStats stats, Limits limits, ChatRoom room) {
        this.sink = sink;
        this.dropped = dropped;
        this.stats = stats;
        this.decoder = new DatagramLineDecoder(stats);
        this.limits = limits;
        this.room = room;
    }

    @Override
    protected void initChannel(DatagramChannel ch) {
        UdpReceiveOptions.reuseReadBuffer(ch);
        // Counted first, as TCP is: "datagrams received" is what reached the socket, denied or not. Denied and
        // over-rate datagrams are then dropped before any work is spent decoding them.
        ch.pipeline().addLast("counter", new UdpTrafficCounter(stats));
        Limits.addIfOn(ch.pipeline(), "acl", limits.newDatagramAccessFilter());
        Limits.addIfOn(ch.pipeline(), "rate", limits.newDatagramRateLimiter());
        ch.pipeline()
                .addLast("decoder", decoder)
                .addLast("handler", new UdpMessageHandler(sink, dropped, room));
    }
}
