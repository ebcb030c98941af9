package org.dualchat.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.string.StringDecoder;
import java.nio.charset.StandardCharsets;
import org.dualchat.core.MessageSink;

/**
 * Builds the pipeline of one TCP client: bytes to lines, lines to text, text to the sink; behind TLS
 * first on a TLS port, so that TLS and plain clients share everything after it.
 */
final class TcpChannelInitializer extends ChannelInitializer<SocketChannel> {

    private static final StringDecoder UTF8_DECODER = new StringDecoder(StandardCharsets.UTF_8);

    private final ChatServerConfig config;
    private final MessageSink sink;
    private final ChannelGroup clients;
    private final HeldMessages held;
    private final byte[] greeting;
    private final TlsStage tls;

    /** @param tls the TLS to put in front, or {@code null} for plain TCP */
    TcpChannelInitializer(ChatServerConfig config, MessageSink sink, ChannelGroup clients, HeldMessages held,
            TlsStage tls) {
        this.config = config;
        this.tls = tls;
        this.sink = sink;
        this.clients = clients;
        this.held = held;
        this.greeting = config.greeting().isEmpty()
                ? new byte[0]
                : (config.greeting() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        clients.add(ch);
        if (tls != null) {
            tls.addTo(ch.pipeline());
        }
        ch.pipeline()
                .addLast("framer", new LineFramer(config.maxLineLength(), config.partialLineTimeout().toNanos()))
                .addLast("decoder", UTF8_DECODER)
                .addLast("handler", new TcpMessageHandler(sink, greeting, held));
    }
}
