package org.dualchat.netty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.BitSet;

/**
 * Takes telnet's commands out of a TCP byte stream, so that a person using {@code telnet} chats like
 * one using {@code nc}: option requests are refused ({@code DO x} gets {@code WONT x}, {@code WILL x}
 * gets {@code DONT x}, RFC 854's way of saying "plain network virtual terminal only"), subnegotiations
 * are dropped, and Ctrl-C ({@code IAC IP}) ends the session like {@code /quit}, by the user event
 * {@link #INTERRUPT} after every byte before it. Nothing of it is printed nor relayed.
 *
 * <p>{@code IAC} (0xFF) never occurs in UTF-8 text, so input without it, all that other clients send,
 * passes through untouched and uncopied. Each option is refused at most once each way (but for the
 * timing mark telnet sends with Ctrl-C and waits for), so a client that repeats its requests and
 * never reads cannot make the replies pile up.
 */
public final class TelnetFilter extends ChannelInboundHandlerAdapter {

    /** The user event for telnet's Interrupt Process (Ctrl-C): the client wants to leave. */
    public static final Object INTERRUPT = new Object() {
        @Override
        public String toString() {
            return "TelnetInterrupt";
        }
    };

    static final int IAC = 255;
    static final int DONT = 254;
    static final int DO = 253;
    static final int WONT = 252;
    static final int WILL = 251;
    static final int SB = 250;
    static final int IP = 244;
    static final int SE = 240;
    static final int TIMING_MARK = 6;

    private enum State { DATA, IAC, OPTION, SUB, SUB_IAC }

    private State state = State.DATA;
    // After IAC IP no text is passed on, but telnet's requests still are answered: with Ctrl-C it sends
    // DO TIMING-MARK and shows nothing more until it has the answer, our bye included.
    private boolean interrupted;
    private boolean interruptFired;
    private int command;
    private final BitSet refusedDo = new BitSet(256);
    private final BitSet refusedWill = new BitSet(256);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (state == State.DATA && !interrupted && in.indexOf(in.readerIndex(), in.writerIndex(), (byte) IAC) < 0) {
            ctx.fireChannelRead(in);
            return;
        }
        ByteBuf text = ctx.alloc().buffer(in.readableBytes());
        try {
            while (in.isReadable()) {
                int b = in.readUnsignedByte();
                switch (state) {
                    case DATA -> {
                        if (b == IAC) {
                            state = State.IAC;
                        } else if (!interrupted) {
                            text.writeByte(b);
                        }
                    }
                    case IAC -> afterIac(ctx, b, text);
                    case OPTION -> {
                        refuse(ctx, command, b);
                        state = State.DATA;
                    }
                    case SUB -> state = b == IAC ? State.SUB_IAC : State.SUB;
                    case SUB_IAC -> state = b == SE ? State.DATA : State.SUB;
                }
            }
        } finally {
            in.release();
        }
        if (text.isReadable()) {
            ctx.fireChannelRead(text);
        } else {
            text.release();
        }
        if (interrupted && !interruptFired) {
            interruptFired = true;
            ctx.fireUserEventTriggered(INTERRUPT);
        }
    }

    private void afterIac(ChannelHandlerContext ctx, int b, ByteBuf text) {
        switch (b) {
            case IAC -> {
                // An escaped 0xFF: not UTF-8, so the decoder shows it escaped, as any other such byte.
                text.writeByte(IAC);
                state = State.DATA;
            }
            case WILL, WONT, DO, DONT -> {
                command = b;
                state = State.OPTION;
            }
            case SB -> state = State.SUB;
            case IP -> {
                // What came before the interrupt is said; nothing after it. The event follows the replies.
                interrupted = true;
                state = State.DATA;
            }
            default -> state = State.DATA; // NOP, GA, AYT, EC, EL, BRK, DM...: nothing to do for a chat line
        }
    }

    /** Refuses {@code DO}/{@code WILL} {@code option}; a {@code DONT} or {@code WONT} needs no answer. */
    private void refuse(ChannelHandlerContext ctx, int request, int option) {
        int reply;
        BitSet refused;
        if (request == DO) {
            reply = WONT;
            refused = refusedDo;
        } else if (request == WILL) {
            reply = DONT;
            refused = refusedWill;
        } else {
            return;
        }
        boolean again = refused.get(option);
        if (again && !(option == TIMING_MARK && ctx.channel().isWritable())) {
            return;
        }
        refused.set(option);
        ByteBuf answer = ctx.alloc().buffer(3).writeByte(IAC).writeByte(reply).writeByte(option);
        ctx.writeAndFlush(answer, ctx.voidPromise());
    }
}
