package org.dualchat.netty.client;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.flush.FlushConsolidationHandler;
import java.nio.charset.StandardCharsets;
import org.dualchat.netty.codec.LineFramer;

/**
 * Builds the pipeline of a {@link TcpSender}: TLS first if asked for, flushes batched out, the server's
 * bytes to lines to the sink.
 */
final class TcpClientInitializer extends ChannelInitializer<SocketChannel> {

    private static final StringDecoder UTF8_DECODER = new StringDecoder(StandardCharsets.UTF_8);

    private final WritabilityGate gate;
    private final ReceivedLineHandler handler;
    private final ClientTls tls;
    private final String host;
    private final int port;

    /** @param tls how to check the server's certificate, or {@code null} for plain TCP */
    TcpClientInitializer(WritabilityGate gate, ReceivedLineHandler handler, ClientTls tls, String host, int port) {
        this.gate = gate;
        this.handler = handler;
        this.tls = tls;
        this.host = host;
        this.port = port;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (tls != null) {
            // Nearest the socket, behind the flusher: a burst of lines is encrypted as a few large records.
            ch.pipeline().addLast("tls", tls.newHandler(ch.alloc(), host, port));
        }
        ch.pipeline()
                // Lines piped in fast go out in large writes, not one system call each.
                .addLast("flusher", new FlushConsolidationHandler(256, true))
                .addLast("gate", gate)
                .addLast("framer", new LineFramer(TcpSender.MAX_RECEIVED_LINE, TcpSender.QUIET_NANOS))
                .addLast("decoder", UTF8_DECODER)
                .addLast("handler", handler);
    }
}
