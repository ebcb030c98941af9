package org.dualchat.netty.client;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicInteger;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.core.Protocol;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each line the server sends to the sink, pausing reads while the sink is full, and remembers
 * the error, if any, that ended the connection.
 */
final class ReceivedLineHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(ReceivedLineHandler.class);

    private final MessageSink sink;
    // Lines decoded after the sink filled up: at most one read's worth, since reading stops meanwhile.
    private final ArrayDeque<ChatMessage> backlog = new ArrayDeque<>();
    private final AtomicInteger held = new AtomicInteger();
    private ChannelHandlerContext ctx;
    private String ip = "";
    private int port;
    private boolean waiting;
    private volatile Throwable failure;

    ReceivedLineHandler(MessageSink sink) {
        this.sink = sink;
    }

    /** The error that ended the connection, or {@code null} if it ended without one. */
    Throwable failure() {
        return failure;
    }

    /** Waits up to {@code timeout} until every line read has reached the sink; never on an event loop. */
    boolean awaitDelivered(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (held.get() > 0) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        SocketAddress remote = ctx.channel().remoteAddress();
        if (remote instanceof InetSocketAddress) {
            ip = Addresses.printable((InetSocketAddress) remote);
            port = ((InetSocketAddress) remote).getPort();
        } else {
            ip = String.valueOf(remote);
        }
        ctx.fireChannelActive();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ChatMessage message = new ChatMessage(Protocol.TCP, ip, port, (String) msg);
        if (backlog.isEmpty() && sink.offer(message)) {
            return;
        }
        backlog.add(message);
        held.incrementAndGet();
        if (!waiting) {
            ctx.channel().config().setAutoRead(false);
            waitForSink();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
        if (cause instanceof IOException) {
            logger.debug("{} I/O error, closing: {}", ctx.channel(), cause.toString());
        } else {
            logger.warn("{} unexpected error, closing", ctx.channel(), cause);
        }
        ctx.close();
    }

    private void waitForSink() {
        waiting = true;
        sink.whenReady(() -> ctx.executor().execute(this::retry));
    }

    private void retry() {
        waiting = false;
        ChatMessage message;
        while ((message = backlog.peek()) != null) {
            if (!sink.offer(message)) {
                waitForSink();
                return;
            }
            backlog.poll();
            held.decrementAndGet();
        }
        if (ctx.channel().isActive()) {
            ctx.channel().config().setAutoRead(true);
        }
    }
}
