package org.dualchat.netty.client;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.nio.charset.StandardCharsets;
import org.dualchat.netty.LineFramer;

/** Builds the pipeline of a {@link TcpSender}: flushes batched out, the server's bytes to lines to the sink. */
final class TcpClientInitializer extends ChannelInitializer<SocketChannel> {

    private static final StringDecoder UTF8_DECODER = new StringDecoder(StandardCharsets.UTF_8);

    private final WritabilityGate gate;
    private final ReceivedLineHandler handler;

    TcpClientInitializer(WritabilityGate gate, ReceivedLineHandler handler) {
        this.gate = gate;
        this.handler = handler;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        ch.pipeline()
                // Lines piped in fast go out in large writes, not one system call each.
                .addLast("flusher", new FlushConsolidationHandler(256, true))
                .addLast("gate", gate)
                .addLast("framer", new LineFramer(TcpSender.MAX_RECEIVED_LINE, TcpSender.QUIET_NANOS))
                .addLast("decoder", UTF8_DECODER)
                .addLast("handler", handler);
    }
}
