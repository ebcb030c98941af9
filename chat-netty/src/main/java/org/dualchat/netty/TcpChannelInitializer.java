package org.dualchat.netty;

import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.codec.LineFramer;
import org.dualchat.netty.codec.TelnetFilter;
import org.dualchat.netty.codec.Utf8LineDecoder;
import org.dualchat.netty.common.HeldMessages;
import org.dualchat.netty.limit.Limits;
import org.dualchat.netty.room.ChatRoom;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.stats.TcpTrafficCounter;
import org.dualchat.netty.tls.TlsStage;

/**
 * Builds the pipeline of one TCP client: count, check the access list and limits, tell TLS from plain text,
 * drop telnet's commands, bytes to lines, lines to text, text to the sink; TLS goes in after the detector,
 * so that TLS and plain clients share everything after it.
 */
public final class TcpChannelInitializer extends ChannelInitializer<SocketChannel> {

    /** The longest a partial line waits for its newline when the config asks to wait for it (a quiet time of 0). */
    static final Duration MAX_PARTIAL_LINE_HOLD = Duration.ofSeconds(60);

    private final FramingOptions config;
    private final MessageSink sink;
    private final ChannelGroup clients;
    private final HeldMessages held;
    private final ServerStats stats;
    private final Limits limits;
    private final byte[] greeting;
    private final TlsStage tls;
    private final boolean tlsOnly;
    private final ChatRoom room;

    /**
     * @param tls what tells TLS from plain text, and the TLS to switch to (if the server has a certificate)
     * @param tlsOnly whether this port takes TLS clients only
     * @param room the chat room, or {@code null} for a receive-only server
     */
    TcpChannelInitializer(FramingOptions config, MessageSink sink, ChannelGroup clients, HeldMessages held,
            ServerStats stats, Limits limits, TlsStage tls, boolean tlsOnly, ChatRoom room) {
        this.config = config;
        this.tls = tls;
        this.tlsOnly = tlsOnly;
        this.sink = sink;
        this.clients = clients;
        this.held = held;
        this.room = room;
        this.stats = stats;
        this.limits = limits;
        this.greeting = greetingBytes(config);
    }

    /** The greeting as sent: one line, or nothing. */
    static byte[] greetingBytes(FramingOptions config) {
        return config.greeting().isEmpty() ? new byte[0] : (config.greeting() + "\n").getBytes(StandardCharsets.UTF_8);
    }

    /**
     * The framer's quiet time: the configured one, or with none (wait for the newline), {@link
     * #MAX_PARTIAL_LINE_HOLD}, so that a client that stops mid-line and stays on to read (there is no idle
     * timeout by default) cannot hold its partial line back forever.
     */
    static long partialLineNanos(FramingOptions config) {
        Duration quiet = config.partialLineTimeout();
        return (quiet.isZero() ? MAX_PARTIAL_LINE_HOLD : quiet).toNanos();
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        clients.add(ch);
        ChannelPipeline pipeline = ch.pipeline();
        // "acl" and "limits" come first, ahead of TLS too: a refused connection costs no handshake, and
        // hears why in plain text. "idle" and "rate" come after the framer: they count messages, not reads.
        pipeline.addLast("counter", new TcpTrafficCounter(stats));
        Limits.addIfOn(pipeline, "acl", limits.tcpAccessFilter());
        pipeline.addLast("limits", limits.newConnectionLimiter());
        // TLS or plain, told by the first bytes; a TLS client's session starts when its handshake is done.
        boolean awaitStart = tls.addTo(pipeline, tlsOnly);
        pipeline.addLast("telnet", new TelnetFilter());
        pipeline.addLast("framer", new LineFramer(config.maxLineLength(), partialLineNanos(config), stats::lineSplit));
        Limits.addIfOn(pipeline, "idle", limits.newIdleCloser());
        Limits.addIfOn(pipeline, "rate", limits.newTcpRateLimiter());
        pipeline
                .addLast("decoder", new Utf8LineDecoder(stats))
                .addLast("handler", new TcpMessageHandler(sink, greeting, held, room, awaitStart));
    }
}
