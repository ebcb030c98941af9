package org.dualchat.netty.client;

import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.List;

/**
 * Cuts what a server sends into lines to show, as {@link ByteBuf} frames without their terminators.
 *
 * <p>A line ends at LF or CRLF. A line longer than {@code maxLength} bytes is shown in pieces, cut on a
 * UTF-8 character boundary. Text without a newline is shown once the server has been quiet for
 * {@code quietNanos}, because the seeds' server greets with "Server connected" and no newline. What is
 * left when the connection ends is shown too.
 */
final class IncomingLineFramer extends ByteToMessageDecoder {

    private final int maxLength;
    private final long quietNanos;
    private ScheduledFuture<?> quietCheck;
    private long lastInputNanos;
    // The start of the current line was shown early: its terminator alone must not show as an empty line.
    private boolean continued;

    IncomingLineFramer(int maxLength, long quietNanos) {
        if (maxLength < 4) {
            throw new IllegalArgumentException("maxLength: " + maxLength + " (expected: >= 4)");
        }
        if (quietNanos <= 0) {
            throw new IllegalArgumentException("quietNanos: " + quietNanos + " (expected: > 0)");
        }
        this.maxLength = maxLength;
        this.quietNanos = quietNanos;
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        frame(in, out);
        if (in.isReadable()) {
            lastInputNanos = ctx.executor().ticker().nanoTime();
            if (quietCheck == null) {
                scheduleQuietCheck(ctx, quietNanos);
            }
        }
    }

    @Override
    protected void decodeLast(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        frame(in, out);
        if (in.isReadable()) {
            int length = withoutTrailingCr(in, in.readableBytes());
            if (length > 0 || !continued) {
                out.add(in.readRetainedSlice(length));
            }
            in.skipBytes(in.readableBytes());
        }
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        if (quietCheck != null) {
            quietCheck.cancel(false);
            quietCheck = null;
        }
    }

    private void frame(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            int window = Math.min(in.readableBytes(), maxLength + 2);
            int lf = in.indexOf(start, start + window, (byte) '\n');
            if (lf >= 0) {
                int length = withoutTrailingCr(in, lf - start);
                if (length <= maxLength) {
                    if (length > 0 || !continued) {
                        out.add(in.readRetainedSlice(length));
                    }
                    in.readerIndex(lf + 1);
                    continued = false;
                    continue;
                }
            } else if (in.readableBytes() <= maxLength) {
                return;
            }
            out.add(in.readRetainedSlice(pieceLength(in, start)));
            continued = true;
        }
    }

    private int pieceLength(ByteBuf in, int start) {
        int cut = maxLength;
        for (int back = 0; back < 3 && isContinuation(in.getByte(start + cut)); back++) {
            cut--;
        }
        return isContinuation(in.getByte(start + cut)) ? maxLength : cut;
    }

    private void scheduleQuietCheck(ChannelHandlerContext ctx, long delayNanos) {
        quietCheck = ctx.executor().schedule(() -> quietCheck(ctx), delayNanos, NANOSECONDS);
    }

    private void quietCheck(ChannelHandlerContext ctx) {
        quietCheck = null;
        ByteBuf partial = internalBuffer();
        if (!ctx.channel().isActive() || !partial.isReadable()) {
            return;
        }
        long quietFor = ctx.executor().ticker().nanoTime() - lastInputNanos;
        if (quietFor < quietNanos) {
            scheduleQuietCheck(ctx, quietNanos - quietFor);
            return;
        }
        // Hold back a character whose last bytes have not come yet, and a CR whose LF may still come.
        int complete = withoutTrailingCr(partial, completeCharacters(partial));
        if (complete > 0) {
            continued = true;
            ctx.fireChannelRead(partial.readRetainedSlice(complete));
            ctx.fireChannelReadComplete();
        }
    }

    /** How many of the readable bytes form whole UTF-8 characters, leaving out an unfinished last one. */
    static int completeCharacters(ByteBuf buf) {
        int start = buf.readerIndex();
        int end = buf.writerIndex();
        int lead = end - 1;
        while (lead >= start && end - lead < 4 && isContinuation(buf.getByte(lead))) {
            lead--;
        }
        if (lead < start) {
            return end - start;
        }
        int b = buf.getByte(lead) & 0xff;
        int needed = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : b >= 0xc0 ? 2 : 1;
        return end - lead < needed ? lead - start : end - start;
    }

    private static int withoutTrailingCr(ByteBuf buf, int length) {
        if (length > 0 && buf.getByte(buf.readerIndex() + length - 1) == '\r') {
            return length - 1;
        }
        return length;
    }

    private static boolean isContinuation(byte b) {
        return (b & 0xc0) == 0x80;
    }
}
