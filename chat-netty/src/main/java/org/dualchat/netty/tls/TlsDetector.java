package org.dualchat.netty.tls;

import static java.util.concurrent.TimeUnit.MILLISECONDS;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.ssl.NotSslRecordException;
import io.netty.handler.ssl.SslHandshakeTimeoutException;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.channels.ClosedChannelException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells TLS from plain text by the first bytes a TCP client sends (a TLS record starts {@code 16 03 0x}), as
 * Netty's port-unification example and {@code OptionalSslHandler} do, and acts by the port's {@link Mode}.
 * It passes on a client's bytes untouched, and is gone from the pipeline once it has decided.
 *
 * <p>Telling the two apart takes bytes from the client, but the seed programs wait for the greeting before
 * they send: on a {@link Mode#EITHER} port a client that has said nothing within {@link #PLAIN_AFTER_MILLIS}
 * is taken for plain (a TLS client sends its hello as soon as it connects), and a TLS hello that comes
 * later is refused like one on a plain-only port.
 */
final class TlsDetector extends ByteToMessageDecoder {

    private static final Logger logger = LoggerFactory.getLogger(TlsDetector.class);

    /** How long a client on a port that takes both may stay silent before it is taken for plain. */
    static final long PLAIN_AFTER_MILLIS = 300;
    /** How long a refused client may take to read our line and close. */
    static final long LINGER_MILLIS = 2000;

    static final byte[] NO_TLS_HERE = line("This port speaks plain text and this server has no TLS certificate:"
            + " connect without TLS");
    static final byte[] TLS_ONLY = line("This port speaks TLS only: connect with TLS (openssl s_client,"
            + " dualchat send tcp --tls), or to the server's plain TCP port");
    static final byte[] TLS_TOO_LATE = line("TLS must start at once on this port: connect again and send the"
            + " TLS hello first");

    /** What a port takes. */
    enum Mode {
        /** Plain text only: the server has no certificate. */
        PLAIN,
        /** TLS only: a plain client is told so and closed. */
        TLS,
        /** Both, told apart by the first bytes. */
        EITHER
    }

    private final Mode mode;
    private final TlsStage tls;
    private final HandshakeFailures failures;
    private ScheduledFuture<?> timer;
    private boolean startedPlain;
    private boolean decided;

    /** @param tls the TLS to switch to, {@code null} for {@link Mode#PLAIN} */
    TlsDetector(Mode mode, TlsStage tls, HandshakeFailures failures) {
        this.mode = mode;
        this.tls = tls;
        this.failures = failures;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) throws Exception {
        super.handlerAdded(ctx);
        if (ctx.channel().isActive()) {
            arm(ctx);
        }
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        arm(ctx);
        super.channelActive(ctx);
    }

    private void arm(ChannelHandlerContext ctx) {
        if (timer != null || decided) {
            return;
        }
        switch (mode) {
            case PLAIN -> startedPlain = true; // greeted at once, as without TLS at all
            case EITHER -> timer = ctx.executor().schedule(() -> {
                if (!decided && !startedPlain) {
                    startPlain(ctx);
                }
            }, PLAIN_AFTER_MILLIS, MILLISECONDS);
            case TLS -> timer = ctx.executor().schedule(() -> {
                if (!decided) {
                    decided = true;
                    failures.record(ctx.channel(), new SslHandshakeTimeoutException("no bytes"));
                    ctx.close();
                }
            }, ServerTls.HANDSHAKE_TIMEOUT_MILLIS, MILLISECONDS);
        }
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        if (decided) {
            in.skipBytes(in.readableBytes());
            return;
        }
        Boolean isTls = looksLikeTls(in);
        if (isTls == null) {
            return; // wait for the third byte
        }
        decided = true;
        cancelTimer();
        ChannelPipeline pipeline = ctx.pipeline();
        if (isTls) {
            if (mode == Mode.PLAIN || startedPlain) {
                refuse(ctx, in, mode == Mode.PLAIN ? NO_TLS_HERE : TLS_TOO_LATE);
                return;
            }
            // On removal, what this decoder holds goes on to the SslHandler.
            tls.addAfter(pipeline, ctx.name());
            pipeline.remove(this);
            return;
        }
        if (mode == Mode.TLS) {
            failures.record(ctx.channel(), new NotSslRecordException("plain text"));
            refuse(ctx, in, TLS_ONLY);
            return;
        }
        if (!startedPlain) {
            startPlain(ctx);
        }
        pipeline.remove(this);
    }

    private void startPlain(ChannelHandlerContext ctx) {
        startedPlain = true;
        ctx.fireUserEventTriggered(PlainStart.INSTANCE);
    }

    /**
     * One plain line, then the end of our output; what was sent is dropped, never printed nor relayed. The
     * client's bytes are read and dropped until it closes (at most {@link #LINGER_MILLIS}): closing with
     * unread bytes would make our kernel send a reset, which can destroy the line before it is read.
     */
    private void refuse(ChannelHandlerContext ctx, ByteBuf in, byte[] why) {
        logger.debug("{} {}", ctx.channel(), new String(why, 0, why.length - 1, StandardCharsets.UTF_8));
        in.skipBytes(in.readableBytes());
        ChannelFuture written = ctx.writeAndFlush(Unpooled.wrappedBuffer(why));
        if (ctx.channel() instanceof SocketChannel socket) {
            written.addListener(f -> socket.shutdownOutput());
            ctx.executor().schedule(() -> ctx.close(), LINGER_MILLIS, MILLISECONDS);
        } else {
            written.addListener(ChannelFutureListener.CLOSE);
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        if (!decided && mode == Mode.TLS) {
            decided = true;
            failures.record(ctx.channel(), new ClosedChannelException());
        }
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelTimer();
    }

    private void cancelTimer() {
        if (timer != null) {
            timer.cancel(false);
        }
    }

    /**
     * Whether {@code in} starts with a TLS record (content type 20-23, version 3.x); {@code null} if it
     * starts like one but is too short yet to tell.
     */
    static Boolean looksLikeTls(ByteBuf in) {
        int at = in.readerIndex();
        int readable = in.readableBytes();
        if (readable == 0) {
            return null;
        }
        int type = in.getUnsignedByte(at);
        if (type < 20 || type > 23) {
            return false;
        }
        if (readable < 3) {
            return null;
        }
        return in.getUnsignedByte(at + 1) == 3 && in.getUnsignedByte(at + 2) <= 4;
    }

    private static byte[] line(String text) {
        return (text + "\n").getBytes(StandardCharsets.UTF_8);
    }
}
