package org.dualchat.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.nio.charset.StandardCharsets;
import org.dualchat.core.MessageSink;

/** Builds the pipeline of one TCP client: count, bytes to lines, lines to text, text to the sink. */
final class TcpChannelInitializer extends ChannelInitializer<SocketChannel> {

    private final ChatServerConfig config;
    private final MessageSink sink;
    private final ChannelGroup clients;
    private final HeldMessages held;
    private final ServerStats stats;
    private final byte[] greeting;
    private final Room room;

    /** @param room the chat room, or {@code null} for a receive-only server */
    TcpChannelInitializer(ChatServerConfig config, MessageSink sink, ChannelGroup clients, HeldMessages held,
            ServerStats stats, Room room) {
        this.config = config;
        this.sink = sink;
        this.clients = clients;
        this.held = held;
        this.room = room;
        this.stats = stats;
        this.greeting = config.greeting().isEmpty()
                ? new byte[0]
                : (config.greeting() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        clients.add(ch);
        ch.pipeline()
                .addLast("counter", new TcpTrafficCounter(stats))
                .addLast("framer", new LineFramer(
                        config.maxLineLength(), config.partialLineTimeout().toNanos(), stats::lineSplit))
                .addLast("decoder", new Utf8LineDecoder(stats))
                .addLast("handler", new TcpMessageHandler(sink, greeting, held, room));
    }
}
