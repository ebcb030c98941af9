package org.dualchat.netty.common;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ChannelHandlerContext;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;

/**
 * Hands one TCP channel's messages to a {@link MessageSink} without ever dropping one. While the sink is
 * full, or the room's {@link RelayGate} is closed, it keeps them in order, pauses reading from the channel, and resumes once the sink has room: the
 * peer's socket buffers fill up and the peer slows down. Messages held when the channel closes are
 * still delivered.
 *
 * <p>One per channel, created in {@code handlerAdded}, used on the channel's event loop only:
 * <pre>{@code
 * public void handlerAdded(ChannelHandlerContext ctx) {
 *     feeder = new SinkFeeder(ctx, sink, held);
 * }
 *
 * public void channelRead(ChannelHandlerContext ctx, Object msg) {
 *     feeder.deliver(new ChatMessage(Protocol.TCP, ip, port, (String) msg));
 * }
 * }</pre>
 */
public final class SinkFeeder {

    /**
     * What a feeder tells of each message the sink took, in order, on the channel's event loop; it may take the
     * first of a read's lines at once instead ({@link #acceptAll}).
     */
    public interface Accepted extends Consumer<ChatMessage> {

        /**
         * Takes the first of {@code count} {@code messages}, all added with {@link SinkFeeder#add}, at once as far
         * as it can (as the room does while no one else can hear them); how many it took from the start. The rest
         * are {@link #accept}ed each.
         */
        default int acceptAll(List<ChatMessage> messages, int count) {
            return 0;
        }
    }

    private final ChannelHandlerContext ctx;
    private final MessageSink sink;
    private final HeldMessages held;
    private final Accepted accepted;
    private final RelayGate gate;
    // Messages decoded after the sink filled up: at most one read's worth, since reading stops meanwhile.
    private final ArrayDeque<ChatMessage> backlog = new ArrayDeque<>();
    // Messages of the current read, not yet offered: handed over together by flush(), or as soon as there
    // are MAX_PENDING of them or reading is paused, so that a full sink pauses reading within one read:
    // Netty reads a socket up to 16 times before it says the read is complete.
    /** The most of a read's lines held before they are handed on together; UDP's room batches keep to it too. */
    public static final int MAX_PENDING = 256;
    private final ArrayList<ChatMessage> pending = new ArrayList<>();
    // Messages the sink took as part of a batch but the room's gate closed before they were relayed: relayed,
    // in order, before anything after them, once it opens. The gate is checked before each relay.
    private final ArrayDeque<ChatMessage> unrelayed = new ArrayDeque<>();
    private boolean waiting;

    /**
     * @param ctx the context of the handler that feeds, whose channel is paused and resumed
     * @param sink where the messages go
     * @param held counts the messages waiting here, for whoever must wait until all are delivered
     */
    public SinkFeeder(ChannelHandlerContext ctx, MessageSink sink, HeldMessages held) {
        this(ctx, sink, held, message -> { });
    }

    /**
     * @param accepted told of each message once the sink has taken it, in order, on the channel's event
     *     loop: the room relays it then, so that what is relayed is what is printed
     */
    public SinkFeeder(ChannelHandlerContext ctx, MessageSink sink, HeldMessages held,
            Consumer<ChatMessage> accepted) {
        this(ctx, sink, held, accepted, RelayGate.ALWAYS_OPEN);
    }

    /**
     * @param gate while closed (the room's relay budget is spent), messages are held and reading paused as
     *     for a full sink: nothing is lost, and the room's memory stays bounded
     */
    public SinkFeeder(ChannelHandlerContext ctx, MessageSink sink, HeldMessages held,
            Consumer<ChatMessage> accepted, RelayGate gate) {
        this.ctx = requireNonNull(ctx, "ctx");
        this.sink = requireNonNull(sink, "sink");
        this.held = requireNonNull(held, "held");
        requireNonNull(accepted, "accepted");
        this.accepted = accepted instanceof Accepted all ? all : accepted::accept;
        this.gate = requireNonNull(gate, "gate");
    }

    /** Delivers {@code message} now if the sink has room, otherwise as soon as it has. */
    public void deliver(ChatMessage message) {
        flush();
        if (backlog.isEmpty() && unrelayed.isEmpty() && gate.isOpen() && sink.offer(message)) {
            accepted.accept(message);
            return;
        }
        hold(message);
    }

    /**
     * Adds {@code message} to those that {@link #flush} hands over together, after any delivered before: a
     * handler adds each line of a read and flushes when the read is complete, so that the sink is offered
     * one batch per read rather than each line on its own. They are handed over at once while the sink is
     * full (held, as by {@link #deliver}), and every {@value #MAX_PENDING}: what waits here stays bounded.
     */
    public void add(ChatMessage message) {
        pending.add(message);
        if (waiting || pending.size() >= MAX_PENDING) {
            flush();
        }
    }

    /** Delivers what {@link #add} gathered, in order: now as far as the sink has room, the rest as soon as it has. */
    public void flush() {
        if (pending.isEmpty()) {
            return;
        }
        int taken = backlog.isEmpty() && unrelayed.isEmpty() && gate.isOpen() ? sink.offerAll(pending) : 0;
        int told = taken > 1 ? accepted.acceptAll(pending, taken) : 0;
        for (int i = told; i < taken; i++) {
            ChatMessage message = pending.get(i);
            if (unrelayed.isEmpty() && gate.isOpen()) {
                accepted.accept(message);
            } else {
                unrelayed.add(message);
                held.add();
            }
        }
        if (!unrelayed.isEmpty() && !waiting) {
            ReadGate.of(ctx.channel()).pause(ReadGate.Reason.SINK_FULL);
            waitForSink();
        }
        for (int i = taken; i < pending.size(); i++) {
            hold(pending.get(i));
        }
        pending.clear();
    }

    private void hold(ChatMessage message) {
        backlog.add(message);
        held.add();
        if (!waiting) {
            ReadGate.of(ctx.channel()).pause(ReadGate.Reason.SINK_FULL);
            waitForSink();
        }
    }

    private void waitForSink() {
        waiting = true;
        if (gate.isOpen()) {
            sink.whenReady(this::retryLater);
        } else {
            gate.whenOpen(this::retryLater);
        }
    }

    private void retryLater() {
        try {
            ctx.executor().execute(this::retry);
        } catch (RejectedExecutionException shuttingDown) {
            // The server is closing: it waits for held messages only while its loops still run.
        }
    }

    /** Runs on the channel's event loop when the sink has room: hands over the backlog, then reads on. */
    private void retry() {
        waiting = false;
        ChatMessage message;
        while ((message = unrelayed.peek()) != null) {
            if (!gate.isOpen()) {
                waitForSink();
                return;
            }
            unrelayed.poll();
            held.remove();
            accepted.accept(message);
        }
        while ((message = backlog.peek()) != null) {
            if (!gate.isOpen() || !sink.offer(message)) {
                waitForSink();
                return;
            }
            backlog.poll();
            held.remove();
            accepted.accept(message);
        }
        // Held messages are delivered even after the peer has gone; reading resumes only if it is still
        // here, and nothing else (a rate limit) holds it back.
        ReadGate.of(ctx.channel()).resume(ReadGate.Reason.SINK_FULL);
    }
}
