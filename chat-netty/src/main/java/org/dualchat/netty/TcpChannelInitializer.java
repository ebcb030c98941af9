package org.dualchat.netty;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandler.Sharable;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.group.ChannelGroup;
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
import org.dualchat.netty.tls.TlsStage;

/**
 * Builds the pipeline of one TCP client: count, check the access list and limits, tell TLS from plain text,
 * drop telnet's commands, bytes to lines, lines to text, text to the sink; TLS goes in after the detector,
 * so that TLS and plain clients share everything after it. The stages that work on bytes the client sends
 * go in with its first bytes: a client that only listens costs none of them.
 */
public final class TcpChannelInitializer extends ChannelInitializer<Channel> {

    /** The longest a partial line waits for its newline when the config asks to wait for it (a quiet time of 0). */
    static final Duration MAX_PARTIAL_LINE_HOLD = Duration.ofSeconds(60);
    /** The name of the place of the stages that wait for the client's first bytes (see {@link ByteStages}). */
    static final String BYTES = "bytes";
    static final String HANDLER = "handler";

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
    private final long partialLineNanos;
    private final Runnable lineSplit;
    private final ChannelHandler byteStages = new ByteStages();

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
        this.partialLineNanos = partialLineNanos(config);
        this.lineSplit = stats::lineSplit;
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
    protected void initChannel(Channel ch) {
        clients.add(ch);
        ChannelPipeline pipeline = ch.pipeline();
        // "counter", "acl" and "limits" come first, ahead of TLS too: a refused connection costs no
        // handshake, and hears why in plain text. "idle" and "rate" come after the framer: they count
        // messages, not reads.
        limits.addAdmission(pipeline, null);
        // TLS or plain, told by the first bytes; a TLS client's session starts when its handshake is done.
        // A port that takes plain text only has nothing to time: its detector waits for the first bytes too.
        boolean awaitStart = tls.awaitsStart();
        if (awaitStart) {
            tls.addTo(pipeline, tlsOnly);
        }
        pipeline.addLast(BYTES, byteStages);
        Limits.addIfOn(pipeline, "idle", limits.newIdleCloser());
        pipeline.addLast(HANDLER, new TcpMessageHandler(sink, greeting, held, room, awaitStart));
    }

    /**
     * Stands where the stages that work on the client's bytes go (the plain-text port's TLS detector, telnet,
     * the framer, which also decodes each line; the rate limit after "idle"), and puts them there when the first bytes come.
     * A client that only listens, the most common member of a large room, never costs them.
     */
    @Sharable
    private final class ByteStages extends ChannelInboundHandlerAdapter {

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ChannelPipeline pipeline = ctx.pipeline();
            String after = ctx.name();
            if (!tls.awaitsStart()) {
                after = tls.addDetectorAfter(pipeline, after);
            }
            // The framer passes each line on as its UTF-8 text, decoded from the bytes read: no slice per line.
            pipeline.addAfter(after, "telnet", new TelnetFilter())
                    .addAfter("telnet", "framer", new LineFramer(config.maxLineLength(), partialLineNanos, lineSplit,
                            Utf8LineDecoder.frameReader(stats)));
            ChannelHandler rate = limits.newTcpRateLimiter();
            if (rate != null) {
                pipeline.addBefore(HANDLER, "rate", rate);
            }
            pipeline.remove(ctx.name());
            // The removed context still knows what came after it: the stages just added.
            ctx.fireChannelRead(msg);
        }
    }
}
