package org.dualchat.netty.codec;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.util.BitSet;

/**
 * Takes telnet's commands out of a TCP byte stream, so that a person using {@code telnet} chats like
 * one using {@code nc}: option requests are refused ({@code DO x} gets {@code WONT x}, {@code WILL x}
 * gets {@code DONT x}, RFC 854's way of saying "plain network virtual terminal only") and one-byte
 * commands (NOP, AYT, AO, EC, EL, BRK, GA, DM) dropped. Ctrl-C ({@code IAC IP}) ends the session like
 * {@code /quit}, by the user event {@link #INTERRUPT} after every byte before it. Nothing of it is
 * printed nor relayed.
 *
 * <p>{@code IAC} (0xFF) never occurs in UTF-8 text, so input without it, all that other clients send,
 * passes through untouched and uncopied. Bytes that are no telnet command pass through too, to be
 * escaped by the decoder as any other byte that cannot be text: a 0xFF before anything but a command
 * byte, {@code IAC IAC}, and subnegotiations (we agree to no option, so telnet sends none). An
 * {@code IAC IP} counts only at the end of what the client sent at once (telnet sends it alone, or with
 * {@code IAC DO TIMING-MARK}): in the middle of binary junk those two bytes are junk like the rest.
 * Each option is refused at most once each way (but for the timing mark, which telnet waits for), so a
 * client that repeats its requests and never reads cannot make the replies pile up.
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
    static final int IP = 244;
    static final int TIMING_MARK = 6;
    private static final int FIRST_ONE_BYTE_COMMAND = 241; // NOP
    private static final int LAST_ONE_BYTE_COMMAND = 249; // GA

    private enum State { DATA, IAC, OPTION }

    private State state = State.DATA;
    private int command;
    // IAC IP seen, and nothing but commands since: it ends the session if the read ends so.
    private boolean interruptPending;
    private boolean interrupted;
    private final BitSet refusedDo = new BitSet(256);
    private final BitSet refusedWill = new BitSet(256);

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ByteBuf in = (ByteBuf) msg;
        if (interrupted) {
            in.release();
            return;
        }
        if (state == State.DATA && !interruptPending && in.indexOf(in.readerIndex(), in.writerIndex(), (byte) IAC) < 0) {
            ctx.fireChannelRead(in);
            return;
        }
        ByteBuf text = ctx.alloc().buffer(in.readableBytes() + 2);
        try {
            while (in.isReadable()) {
                int b = in.readUnsignedByte();
                switch (state) {
                    case DATA -> {
                        if (b == IAC) {
                            state = State.IAC;
                        } else {
                            data(text, b);
                        }
                    }
                    case IAC -> afterIac(text, b);
                    case OPTION -> {
                        refuse(ctx, command, b);
                        state = State.DATA;
                    }
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
        if (interruptPending && state == State.DATA) {
            interruptPending = false;
            interrupted = true;
            ctx.fireUserEventTriggered(INTERRUPT);
        }
    }

    private void data(ByteBuf text, int b) {
        if (interruptPending) {
            // Text after it: those two bytes were no Ctrl-C, but junk, and are passed on as such.
            interruptPending = false;
            text.writeByte(IAC).writeByte(IP);
        }
        text.writeByte(b);
    }

    private void afterIac(ByteBuf text, int b) {
        state = State.DATA;
        if (b >= WILL && b <= DONT) {
            command = b;
            state = State.OPTION;
        } else if (b == IP) {
            interruptPending = true;
        } else if (b < FIRST_ONE_BYTE_COMMAND || b > LAST_ONE_BYTE_COMMAND) {
            // No command of ours: both bytes go on, for the decoder to escape.
            data(text, IAC);
            if (b == IAC) {
                text.writeByte(IAC);
            } else {
                text.writeByte(b);
            }
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
