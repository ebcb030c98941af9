package org.dualchat.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.channel.socket.ChannelOutputShutdownException;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.LongSupplier;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.core.Protocol;
import org.dualchat.core.TextSafety;
import org.dualchat.netty.codec.TelnetFilter;
import org.dualchat.netty.common.Addresses;
import org.dualchat.netty.common.Failures;
import org.dualchat.netty.common.HeldMessages;
import org.dualchat.netty.common.SinkFeeder;
import org.dualchat.netty.room.ChatCommands;
import org.dualchat.netty.room.ChatRoom;
import org.dualchat.netty.room.Member;
import org.dualchat.netty.tls.PlainStart;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Greets a TCP client and hands each of its lines to the sink, pausing reads from the client while the
 * sink is full, so that nothing the server has read is ever dropped. With a {@link ChatRoom}, the client
 * takes part in the chat: it joins and leaves with notices to the others, each line the sink accepts is
 * relayed to them, and {@link ChatCommands commands} are answered instead of printed.
 */
public final class TcpMessageHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(TcpMessageHandler.class);

    private final MessageSink sink;
    private final byte[] greeting;
    private final HeldMessages held;
    private final ChatRoom room;
    private final boolean awaitStart;
    private boolean started;
    private SinkFeeder feeder;
    private Member member;
    private String quitReason;
    private String ip;
    private int port;
    // When the lines of the read under way were received (ms since the epoch), 0 between reads: a read's lines
    // all left the socket in one system call, so they share one clock reading rather than take one each,
    // which was 8 % of the event loop's time receiving 64-byte lines (async-profiler, 4M lines a pass).
    private long readAt;
    // Milliseconds since the epoch; a test gives its own.
    LongSupplier clock = System::currentTimeMillis;

    /** A handler whose client's session starts when it connects. */
    public TcpMessageHandler(MessageSink sink, byte[] greeting, HeldMessages held, ChatRoom room) {
        this(sink, greeting, held, room, false);
    }

    /**
     * @param room the room to take part in, or {@code null} for a receive-only server
     * @param awaitStart whether the session (greeting, joining the room) waits for the client to be found
     *     plain ({@link PlainStart}) or to finish its TLS handshake, rather than starting when it connects
     */
    public TcpMessageHandler(MessageSink sink, byte[] greeting, HeldMessages held, ChatRoom room, boolean awaitStart) {
        this.sink = sink;
        this.greeting = greeting;
        this.held = held;
        this.room = room;
        this.awaitStart = awaitStart;
    }

    /** The feeder to the sink, made with the client's first line: a client that only listens never needs one. */
    private SinkFeeder feeder(ChannelHandlerContext ctx) {
        if (feeder == null) {
            feeder = room == null
                    ? new SinkFeeder(ctx, sink, held)
                    : new SinkFeeder(ctx, sink, held, new ToRoom(), room.gate());
        }
        return feeder;
    }

    /** Relays what the sink took; a read's lines at once while the room has no one else to hear them. */
    private final class ToRoom implements SinkFeeder.Accepted {
        @Override
        public void accept(ChatMessage message) {
            // An action (/me) goes to everyone, its sender included, as on IRC.
            room.relay(message, message.action() ? null : member, null);
        }

        @Override
        public int acceptAll(List<ChatMessage> messages, int count) {
            return room.relayAll(messages, count, member);
        }
    }

    private void flushFeeder() {
        readAt = 0;
        if (feeder != null) {
            feeder.flush();
        }
    }

    /** The time of receipt of the read under way: read from the clock at its first line. */
    private long receivedAt() {
        if (readAt == 0) {
            readAt = clock.getAsLong();
        }
        return readAt;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) {
        ip = Addresses.printable(ctx.channel().remoteAddress());
        port = Addresses.port(ctx.channel().remoteAddress());
        if (!awaitStart) {
            start(ctx);
        }
        ctx.fireChannelActive();
    }

    /** Greets the client and lets it join: at once for plain TCP, after the handshake for TLS. */
    private void start(ChannelHandlerContext ctx) {
        if (started) {
            return;
        }
        started = true;
        // Join before the greeting: a client that has read its greeting is surely in the room, and
        // relays queued for it meanwhile come after the greeting, as tasks on this loop.
        if (room != null) {
            member = room.join(ctx.channel());
            if (member != null) {
                // The member's copy of the same text: one string a client keeps, not two (about 56 bytes each).
                ip = member.ip();
            }
        } else {
            logger.info("{} connected", ctx.channel());
        }
        // The greeting, the join line and the history in one buffer: one write, one system call.
        String joined = member != null ? room.joinLine(member) : null;
        List<String> past = member != null ? member.takeHistory() : List.of();
        if (greeting.length == 0 && joined == null) {
            return;
        }
        ByteBuf out = ctx.alloc().buffer(greeting.length + (joined == null ? 0 : joined.length() + 1));
        out.writeBytes(greeting);
        if (joined != null) {
            // After the greeting, which the seed programs read as it is.
            writeLine(out, joined);
            // The room's last messages, taken as it joined: live relays are tasks queued after this one.
            for (String line : past) {
                writeLine(out, line);
            }
        }
        ctx.writeAndFlush(out, ctx.voidPromise());
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        String text = (String) msg;
        if (!started) {
            start(ctx);
        }
        if (text.isEmpty()) {
            return;
        }
        // A read's lines go to the sink together, when the read is complete (or before a command, which
        // may answer or close, so that it comes after the lines sent before it).
        if (room == null) {
            feeder(ctx).add(new ChatMessage(Protocol.TCP, ip, port, null, text, receivedAt()));
        } else if (ChatCommands.isCommand(text)) {
            flushFeeder();
            room.commandTaken();
            command(ctx, text);
        } else {
            feeder(ctx).add(new ChatMessage(
                    Protocol.TCP, ip, port, member.nick(), ChatCommands.text(text), receivedAt()));
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        flushFeeder();
        ctx.fireChannelReadComplete();
    }

    private void command(ChannelHandlerContext ctx, String line) {
        String argument = ChatCommands.argument(line);
        switch (ChatCommands.name(line)) {
            case "nick" -> nick(ctx, argument);
            case "who" -> reply(ctx, who());
            case "msg" -> privately(ctx, argument);
            case "me" -> {
                if (argument.isEmpty()) {
                    reply(ctx, List.of("* usage: /me ACTION"));
                } else {
                    feeder(ctx).deliver(new ChatMessage(Protocol.TCP, ip, port, member.nick(), argument).asAction());
                }
            }
            case "quit" -> quit(ctx, argument);
            case "help" -> reply(ctx, ChatCommands.HELP);
            default -> reply(ctx, List.of("* unknown command " + TextSafety.escape(line.split(" ", 2)[0])
                    + ": /help lists the commands; start a line with // to send it as text"));
        }
    }

    /** {@code /nick NAME}: answered once the room has (a shared room asks elsewhere), on this client's loop. */
    private void nick(ChannelHandlerContext ctx, String nick) {
        if (nick.isEmpty()) {
            reply(ctx, List.of("* usage: /nick NAME"));
            return;
        }
        room.renameAsync(member, nick).whenComplete((problem, error) -> {
            Runnable answer = () -> reply(ctx, List.of(error != null
                    ? "* cannot take a nick now: the room cannot be reached; try again"
                    : problem == null ? "* you are now " + member.label() : "* " + problem));
            if (ctx.executor().inEventLoop()) {
                answer.run();
            } else {
                ctx.executor().execute(answer);
            }
        });
    }

    /**
     * {@code /msg NICK TEXT}: the text to that member alone, as {@code [private] SENDER : TEXT}. It is not
     * printed on stdout nor logged (a private word is not the operator's to read), and it is counted as a
     * command. It travels with the room's relays, charged to the same budget: while that is spent the line
     * is refused rather than queued. A nick no member here holds is looked for in the rest of the room (a
     * shared room's other nodes), and the sender answered once the room has.
     */
    private void privately(ChannelHandlerContext ctx, String argument) {
        int space = argument.indexOf(' ');
        String text = space < 0 ? "" : argument.substring(space + 1).trim();
        if (text.isEmpty()) {
            reply(ctx, List.of("* usage: /msg NICK TEXT"));
            return;
        }
        String nick = argument.substring(0, space);
        String from = new ChatMessage(Protocol.TCP, ip, port, member.nick(), text).sender();
        String line = "[private] " + from + " : " + TextSafety.escape(text);
        Member to = room.byNick(nick);
        if (to == null) {
            room.tellElsewhere(nick, line).whenComplete((label, error) -> {
                String answer = error != null ? notSentElsewhere(nick, error) : label == null ? noOne(nick)
                        : "* to " + label + ": " + TextSafety.escape(text);
                if (ctx.executor().inEventLoop()) {
                    reply(ctx, List.of(answer));
                } else {
                    ctx.executor().execute(() -> reply(ctx, List.of(answer)));
                }
            });
        } else if (!room.gate().isOpen()) {
            // Private lines wait in the room's relay budget too: while it is spent they are refused, and said so.
            reply(ctx, List.of(busy(to.label())));
        } else if (!to.tell(line)) {
            reply(ctx, List.of(noOne(nick)));
        } else {
            reply(ctx, List.of("* to " + to.label() + ": " + TextSafety.escape(text)));
        }
    }

    private static String busy(String to) {
        return "* the room is busy: not sent to " + to + ", try again in a moment";
    }

    private static String noOne(String nick) {
        return "* no one here is called " + TextSafety.escape(nick) + " (/who lists who is)";
    }

    private static String notSentElsewhere(String nick, Throwable error) {
        Throwable cause = error instanceof CompletionException && error.getCause() != null
                ? error.getCause() : error;
        return cause instanceof RejectedExecutionException
                ? busy(TextSafety.escape(nick))
                : "* cannot send to " + TextSafety.escape(nick) + " now: the room cannot be reached; try again";
    }

    /** Says bye and closes, once the bye is written; the others hear {@code reason}. */
    private void quit(ChannelHandlerContext ctx, String reason) {
        quitReason = reason;
        ctx.writeAndFlush(line(ctx, "* bye")).addListener(ChannelFutureListener.CLOSE);
    }

    private List<String> who() {
        List<String> labels = room.who();
        String me = member.label();
        List<String> lines = new ArrayList<>();
        lines.add("* " + labels.size() + " here:");
        int shown = Math.min(labels.size(), ChatCommands.MAX_WHO_LINES);
        for (int i = 0; i < shown; i++) {
            String label = labels.get(i);
            lines.add("*   " + label + (label.equals(me) ? " (you)" : ""));
        }
        if (labels.size() > shown) {
            lines.add("*   and " + (labels.size() - shown) + " more");
        }
        return lines;
    }

    /** Answers the client alone. */
    private static void reply(ChannelHandlerContext ctx, List<String> lines) {
        for (String text : lines) {
            ctx.write(line(ctx, text), ctx.voidPromise());
        }
        ctx.flush();
    }

    private static ByteBuf line(ChannelHandlerContext ctx, String text) {
        return writeLine(ctx.alloc().buffer(text.length() + 1), text);
    }

    private static ByteBuf writeLine(ByteBuf buf, String text) {
        ByteBufUtil.writeUtf8(buf, text);
        return buf.writeByte('\n');
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        if (member != null && ctx.channel().isWritable()) {
            member.writable(); // the lines the room skipped while it was blocked count as missed too
            long missed = member.missed;
            if (missed > 0) {
                member.missed = 0;
                logger.info("{} missed {} relays while it read too slowly", ctx.channel(), missed);
                ctx.writeAndFlush(line(ctx, "* you missed " + missed + (missed == 1 ? " message" : " messages")
                        + " while you were not reading fast enough"), ctx.voidPromise());
            }
        }
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
        if (evt == PlainStart.INSTANCE
                || evt instanceof SslHandshakeCompletionEvent && ((SslHandshakeCompletionEvent) evt).isSuccess()) {
            if (ctx.channel().isActive()) {
                start(ctx);
            }
        } else if (evt == TelnetFilter.INTERRUPT) {
            // telnet's Ctrl-C: the person wants out, as with /quit.
            if (member != null) {
                quit(ctx, null);
            } else {
                ctx.close();
            }
        } else if (evt instanceof ChannelInputShutdownEvent) {
            // The framer has already delivered the last partial line; the client has nothing more to say.
            logger.debug("{} half-closed by the client, closing", ctx.channel());
            flushFeeder();
            ctx.close();
        }
        ctx.fireUserEventTriggered(evt);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        // Lines of a last read that never completed: they are the client's last words, printed before it leaves.
        flushFeeder();
        if (member != null) {
            room.leave(member, quitReason);
        } else if (started) {
            logger.info("{} disconnected", ctx.channel());
        }
        ctx.fireChannelInactive();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (Failures.isFatal(cause)) {
            Failures.escalate(cause);
        } else if (cause instanceof ChannelOutputShutdownException) {
            // Relays it held, let go as the room cut off a client that does not read: it is still heard.
            logger.debug("{} relays dropped, the client's output is shut: {}", ctx.channel(), cause.toString());
            return;
        } else if (cause instanceof IOException) {
            // Reset by peer, broken pipe: the ordinary ways a client goes away.
            logger.debug("{} I/O error, closing: {}", ctx.channel(), cause.toString());
        } else {
            logger.warn("{} unexpected error, closing", ctx.channel(), cause);
        }
        ctx.close();
    }
}
