package org.dualchat.netty.client;

import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.DatagramChannel;
import io.netty.handler.flush.FlushConsolidationHandler;
import org.dualchat.netty.codec.DatagramLineDecoder;

/** Builds the pipeline of a client datagram channel: batched flushes, writability, and what it receives. */
final class UdpClientInitializer extends ChannelInitializer<DatagramChannel> {

    private final WritabilityGate gate;
    private final ChannelHandler handler;

    /** @param handler what handles incoming datagrams, or {@code null} for a channel that only sends */
    UdpClientInitializer(WritabilityGate gate, ChannelHandler handler) {
        this.gate = gate;
        this.handler = handler;
    }

    @Override
    protected void initChannel(DatagramChannel ch) {
        ch.pipeline()
                .addLast("flusher", new FlushConsolidationHandler(256, true))
                .addLast("gate", gate);
        if (handler != null) {
            ch.pipeline()
                    .addLast("decoder", DatagramLineDecoder.INSTANCE)
                    .addLast("handler", handler);
        }
    }
}
