package org.dualchat.netty.codec;

import static java.util.Objects.requireNonNull;
import static java.util.concurrent.TimeUnit.NANOSECONDS;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.util.concurrent.ScheduledFuture;
import org.dualchat.netty.common.ReadGate;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Cuts a TCP byte stream into lines of text, as {@link ByteBuf} frames without their terminators.
 *
 * <p>Unlike Netty's {@code LineBasedFrameDecoder} it never drops input:
 * <ul>
 *   <li>a line ends at LF or CRLF;</li>
 *   <li>a line longer than {@code maxLength} bytes is delivered in pieces of at most that size, each
 *       cut on a UTF-8 character boundary;</li>
 *   <li>a partial line that has been quiet for {@code quietNanos} is delivered as it is, because the
 *       seed-style sender {@code send()}s each message with no newline on a connection it keeps open;</li>
 *   <li>a partial line left when the input closes is delivered;</li>
 *   <li>the newline that ends a line delivered early (by the quiet timeout, or in pieces) ends that
 *       line: it is not an empty line of its own.</li>
 * </ul>
 *
 * <p>The server reads its clients with it, and the TCP client reads the server with it:
 * <pre>{@code
 * pipeline.addLast("framer", new LineFramer(8192, TimeUnit.MILLISECONDS.toNanos(200)))
 *         .addLast("decoder", new StringDecoder(StandardCharsets.UTF_8));
 * }</pre>
 */
public final class LineFramer extends ByteToMessageDecoder {

    /**
     * Joins what is left of the last read (a partial line) to the next read in a buffer of their exact size, or
     * in the space the left-over buffer already has; Netty's default grows one buffer for the connection's life
     * instead, by doubling its capacity until every sixteenth read compacts it, so that each client sending
     * lines that straddle its reads kept 250 KB to 1 MB of direct memory, reading or paused (100 such clients:
     * 38 MB, against a relay budget of 5). Here a connection holds at most one read and one partial line.
     */
    static final Cumulator EXACT_CUMULATOR = (alloc, cumulation, in) -> {
        if (!cumulation.isReadable()) {
            cumulation.release();
            return in; // nothing carried over: the read itself, not a copy of it
        }
        try {
            int adding = in.readableBytes();
            if (adding <= cumulation.writableBytes() && cumulation.refCnt() == 1 && !cumulation.isReadOnly()) {
                return cumulation.writeBytes(in);
            }
            int carried = cumulation.readableBytes();
            ByteBuf joined = alloc.buffer(carried + adding);
            joined.writeBytes(cumulation).writeBytes(in);
            cumulation.release();
            return joined;
        } finally {
            in.release();
        }
    };

    // A quiet check that runs this much after it was due ran on a busy event loop, which may not have
    // read what is already waiting in the socket: such a check is no evidence of quiet.
    private static final long MAX_LATE_NANOS = TimeUnit.MILLISECONDS.toNanos(20);

    /**
     * Reads one frame of {@code length} bytes from {@code in}, moving its reader index past them, and returns the
     * message passed on for it.
     */
    @FunctionalInterface
    public interface FrameReader {
        Object read(ByteBuf in, int length);
    }

    /** Each frame as a slice of the input, retained: the next stage's to release. */
    public static final FrameReader SLICES = ByteBuf::readRetainedSlice;

    private final int maxLength;
    private final FrameReader frames;
    private final long quietNanos;
    private final long lateNanos;
    private final Runnable onSplit;
    private long lastInputNanos;
    private long quietCheckDue;
    private boolean pausedAtLastCheck;
    // The last check found the quiet time over, and a second look is due before the partial line is delivered.
    private boolean confirming;
    private ScheduledFuture<?> quietCheck;
    // The start of the current line has been delivered already (a quiet flush, or a piece of a long line):
    // its terminator alone ends that line, and is not an empty line of its own.
    private boolean continued;
    // The current line has been cut for its length already: it is counted once, however many pieces.
    private boolean split;

    /**
     * A framer that does not report over-long lines.
     *
     * @see #LineFramer(int, long, Runnable)
     */
    public LineFramer(int maxLength, long quietNanos) {
        this(maxLength, quietNanos, () -> { });
    }

    /**
     * @param maxLength the longest frame, in bytes (at least 4, one UTF-8 character)
     * @param quietNanos how long a partial line waits for more input before it is delivered; 0 waits
     *     for a newline or the end of input
     * @param onSplit run once for each line longer than {@code maxLength}, when it is first cut
     */
    public LineFramer(int maxLength, long quietNanos, Runnable onSplit) {
        this(maxLength, quietNanos, onSplit, SLICES);
    }

    /**
     * @param frames what each frame is passed on as: {@link #SLICES}, or a reader that turns the frame's bytes
     *     into the next stage's message at once (the server's text), which saves a slice and a stage per line
     * @see #LineFramer(int, long, Runnable)
     */
    public LineFramer(int maxLength, long quietNanos, Runnable onSplit, FrameReader frames) {
        if (maxLength < 4) {
            throw new IllegalArgumentException("maxLength: " + maxLength + " (expected: >= 4)");
        }
        if (quietNanos < 0) {
            throw new IllegalArgumentException("quietNanos: " + quietNanos + " (expected: >= 0)");
        }
        this.maxLength = maxLength;
        this.quietNanos = quietNanos;
        this.lateNanos = Math.min(quietNanos / 4, MAX_LATE_NANOS);
        this.onSplit = requireNonNull(onSplit, "onSplit");
        this.frames = requireNonNull(frames, "frames");
        setCumulator(EXACT_CUMULATOR);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        frame(in, out);
        if (quietNanos > 0 && in.isReadable()) {
            lastInputNanos = ctx.executor().ticker().nanoTime();
            if (quietCheck == null) {
                confirming = false;
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
                out.add(frames.read(in, length));
            }
            in.skipBytes(in.readableBytes());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelQuietCheck();
        super.channelInactive(ctx);
    }

    @Override
    protected void handlerRemoved0(ChannelHandlerContext ctx) {
        cancelQuietCheck();
    }

    private void frame(ByteBuf in, List<Object> out) {
        while (in.isReadable()) {
            int start = in.readerIndex();
            // Look no further than a maximal line and its CRLF: a long line costs one scan, not one per read.
            int window = Math.min(in.readableBytes(), maxLength + 2);
            int lf = in.indexOf(start, start + window, (byte) '\n');
            if (lf >= 0) {
                int length = withoutTrailingCr(in, lf - start);
                if (length <= maxLength) {
                    if (length > 0 || !continued) {
                        out.add(frames.read(in, length));
                    }
                    in.readerIndex(lf + 1);
                    continued = false;
                    split = false;
                    continue;
                }
            } else if (in.readableBytes() <= maxLength) {
                return;
            }
            out.add(frames.read(in, pieceLength(in, start)));
            continued = true;
            if (!split) {
                split = true;
                onSplit.run();
            }
        }
    }

    /** The length of the first piece of an over-long line: {@code maxLength}, less a split character. */
    private int pieceLength(ByteBuf in, int start) {
        int cut = maxLength;
        for (int back = 0; back < 3 && isContinuation(in.getByte(start + cut)); back++) {
            cut--;
        }
        // Four continuation bytes in a row are not UTF-8 anyway: cut where the limit says.
        return isContinuation(in.getByte(start + cut)) ? maxLength : cut;
    }

    private void scheduleQuietCheck(ChannelHandlerContext ctx, long delayNanos) {
        quietCheckDue = ctx.executor().ticker().nanoTime() + delayNanos;
        quietCheck = ctx.executor().schedule(() -> quietCheck(ctx), delayNanos, NANOSECONDS);
    }

    /** Starts a new quiet period from now: what we know of the sender's silence is not to be trusted. */
    private void restartQuietPeriod(ChannelHandlerContext ctx, long now) {
        lastInputNanos = now;
        confirming = false;
        scheduleQuietCheck(ctx, quietNanos);
    }

    private void quietCheck(ChannelHandlerContext ctx) {
        quietCheck = null;
        if (!ctx.channel().isActive()) {
            return;
        }
        ByteBuf partial = internalBuffer();
        if (!partial.isReadable()) {
            return;
        }
        long now = ctx.executor().ticker().nanoTime();
        if (!ctx.channel().config().isAutoRead()) {
            // Reading is paused for backpressure: the sender is not quiet, we are not listening. Cutting
            // the partial line now would split a line that is already on its way.
            pausedAtLastCheck = true;
            restartQuietPeriod(ctx, now);
            return;
        }
        if (pausedAtLastCheck || now - quietCheckDue > lateNanos) {
            // Reading resumed only since the last check, or the event loop is running behind: either way
            // the rest of the line may be in the socket, not yet read. Silence must be seen afresh.
            pausedAtLastCheck = false;
            restartQuietPeriod(ctx, now);
            return;
        }
        // Quiet since the last input, or since reading last resumed: a pause that began and ended between two
        // checks is no silence of the sender's (the rest of the line waited in the socket meanwhile).
        long quietFor = now - Math.max(lastInputNanos, ReadGate.resumedAt(ctx.channel()));
        if (quietFor < quietNanos) {
            confirming = false;
            scheduleQuietCheck(ctx, quietNanos - quietFor);
            return;
        }
        if (!confirming) {
            // One more look a little later, once the loop has read its sockets again: a check that runs right
            // after the loop stalled (a long collection, under the lateness bound) has not yet read what
            // arrived meanwhile, and delivering now split lines under load.
            confirming = true;
            scheduleQuietCheck(ctx, Math.max(lateNanos, 1));
            return;
        }
        confirming = false;
        // Hold back a character whose last bytes have not arrived, and a CR whose LF may still come.
        int complete = withoutTrailingCr(partial, completeCharacters(partial));
        if (complete > 0) {
            continued = true;
            ctx.fireChannelRead(frames.read(partial, complete));
            ctx.fireChannelReadComplete();
        }
    }

    /** The capacity of the buffer that holds what is left of the reads so far (a partial line); for tests. */
    int heldCapacity() {
        return internalBuffer().capacity();
    }

    private void cancelQuietCheck() {
        if (quietCheck != null) {
            quietCheck.cancel(false);
            quietCheck = null;
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
