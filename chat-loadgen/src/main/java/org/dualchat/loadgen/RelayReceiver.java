package org.dualchat.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.HdrHistogram.Histogram;

/**
 * One receiving client of {@code bench relay}: reads the relayed lines {@code SENDER : TEXT}, and for
 * each whose text is a bench message ({@code #bench SENDER-ID SEQ SENT-NANOS padding}) records the time
 * it took from the sender's write to here. Every other line (the greeting, server notices, the history a
 * joiner is shown) is ignored.
 * Lines are parsed in the receive buffer, without making a string of them.
 *
 * <p>Messages stamped before {@link #measureFrom} are the run's warm-up: counted and timed apart, in
 * {@link #warmUpReceived()} and the warm-up histogram, and left out of {@link #received()} and the histogram.
 */
final class RelayReceiver extends ChannelInboundHandlerAdapter {

    static final String MARKER = "#bench ";
    static final String PROBE = "#probe";

    /** Latencies above a minute are recorded as a minute: beyond that the run has failed anyway. */
    static final long MAX_LATENCY_MICROS = 60_000_000L;
    // A line longer than this is not ours: skip it rather than buffer it.
    static final int MAX_LINE = 256 * 1024;

    private static final byte[] SEPARATOR = {' ', ':', ' '};
    // What a line was: see line().
    private static final int OTHER = 0;
    private static final int MEASURED = 1;
    private static final int WARM_UP = 2;
    static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);

    private final long origin;
    private final Histogram histogram;
    private final Histogram warmUpHistogram;
    private volatile long received;
    private volatile long warmUpReceived;
    // Stamps from the run's origin: a message stamped earlier is warm-up. Everything counts until told otherwise.
    private volatile long measureFrom = Long.MIN_VALUE;
    // The senders whose probe line it has read: written on this receiver's loop, read by the run's thread.
    private final Set<Integer> probes = ConcurrentHashMap.newKeySet();
    private boolean skipping;
    // The start of a line the last read cut off: on the heap, and small (a line is short).
    private final ByteBuf partial = Unpooled.buffer(256);
    private final byte[] probeBytes;

    /** A receiver with histograms of its own. */
    RelayReceiver(long origin) {
        this(origin, newHistogram(), newHistogram());
    }

    /**
     * @param origin the run's time zero, {@link System#nanoTime()}, which the senders' stamps count from
     * @param histogram where the latencies go: shared by the receivers of one event loop, and written on it only
     * @param warmUpHistogram where the warm-up's latencies go, shared in the same way
     */
    RelayReceiver(long origin, Histogram histogram, Histogram warmUpHistogram) {
        this.origin = origin;
        this.histogram = histogram;
        this.warmUpHistogram = warmUpHistogram;
        this.probeBytes = probe(origin).getBytes(StandardCharsets.US_ASCII);
    }

    /** The start of the run's probe lines: its own, so an earlier run's is not taken for one of them. */
    static String probe(long origin) {
        return PROBE + " " + origin;
    }

    /** The probe line of sender {@code sender} in the run that started at {@code origin}. */
    static String probe(long origin, int sender) {
        return probe(origin) + " " + sender;
    }

    long received() {
        return received;
    }

    boolean probed() {
        return !probes.isEmpty();
    }

    /** From how many senders it has read this run's probe line (however many times each sent it). */
    int probes() {
        return probes.size();
    }

    /** Whether it has read sender {@code sender}'s probe line. */
    boolean hasProbe(int sender) {
        return probes.contains(sender);
    }

    /** Warm-up messages read so far: those stamped before {@link #measureFrom}. */
    long warmUpReceived() {
        return warmUpReceived;
    }

    /**
     * From now on, messages stamped before {@code stamp} (nanoseconds from the run's origin) are warm-up:
     * {@link Long#MAX_VALUE} while a warm-up is sent, its end once the measured run starts. From any thread.
     */
    void measureFrom(long stamp) {
        measureFrom = stamp;
    }

    /**
     * A histogram for latencies up to {@link #MAX_LATENCY_MICROS}, 3 significant digits: about 200 KB of counts.
     * One per event loop rather than per receiver: a hundred of them made 20 MB the generator's young
     * collections copied while they measured, pauses that landed in the figures.
     */
    static Histogram newHistogram() {
        return new Histogram(MAX_LATENCY_MICROS, 3);
    }

    /** The latencies so far (this receiver's, and those of the others on its loop); read on its event loop, or after it has stopped. */
    Histogram histogram() {
        return histogram;
    }

    /** The warm-up's latencies, as {@link #histogram()}. */
    Histogram warmUpHistogram() {
        return warmUpHistogram;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof ByteBuf in)) {
            ctx.fireChannelRead(msg);
            return;
        }
        try {
            read(in);
        } finally {
            in.release();
        }
    }

    /**
     * The lines in {@code in}: whole ones parsed where they are, in the read's own buffer, and only a line's
     * start that the read cut off copied (into {@link #partial}). A cumulating decoder copied each read into a
     * buffer a little over 64 KB, past what Netty's allocator pools: a new, zeroed direct buffer for each read,
     * which was most of this generator's CPU with 100 receivers.
     */
    private void read(ByteBuf in) {
        long count = received;
        long warmUp = warmUpReceived;
        int from = in.readerIndex();
        int end = in.writerIndex();
        if (partial.isReadable() || skipping) {
            int lf = in.indexOf(from, end, (byte) '\n');
            int upTo = lf < 0 ? end : lf;
            if (!skipping) {
                if (partial.readableBytes() + (upTo - from) > MAX_LINE) {
                    partial.clear();
                    skipping = true;
                } else {
                    partial.writeBytes(in, from, upTo - from);
                }
            }
            if (lf < 0) {
                return;
            }
            if (skipping) {
                skipping = false;
            } else {
                int kind = line(partial, partial.readerIndex(), partial.writerIndex());
                count += kind == MEASURED ? 1 : 0;
                warmUp += kind == WARM_UP ? 1 : 0;
                partial.clear();
            }
            from = lf + 1;
        }
        int lf;
        while ((lf = in.indexOf(from, end, (byte) '\n')) >= 0) {
            int kind = line(in, from, lf);
            count += kind == MEASURED ? 1 : 0;
            warmUp += kind == WARM_UP ? 1 : 0;
            from = lf + 1;
        }
        if (end - from > MAX_LINE) {
            skipping = true;
        } else if (end > from) {
            partial.writeBytes(in, from, end - from);
        }
        received = count;
        warmUpReceived = warmUp;
    }

    /** Bytes of a cut-off line it holds now: at most {@link #MAX_LINE}. */
    int heldBytes() {
        return partial.readableBytes();
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        partial.release();
    }

    /** Records one line; says whether it was a bench message, measured or warm-up, or {@link #OTHER}. */
    private int line(ByteBuf in, int from, int to) {
        // History a joiner is shown ([12:00:05] SENDER : TEXT) is not a relay: only this run's probe counts in it,
        // for a receiver the server took in just after the probe went by.
        boolean past = from < to && in.getByte(from) == '[';
        int text = indexOf(in, from, to, SEPARATOR);
        if (text < 0) {
            return OTHER;
        }
        text += SEPARATOR.length;
        if (to - text > probeBytes.length + 1 && startsWith(in, text, to, probeBytes)
                && in.getByte(text + probeBytes.length) == ' ') {
            int sender = digits(in, text + probeBytes.length + 1, to);
            if (sender >= 0 && sender < LoadSpec.MAX_CONNECTIONS) { // no run has more senders: the set stays bounded
                probes.add(sender);
            }
            return OTHER;
        }
        if (past) {
            return OTHER;
        }
        if (!startsWith(in, text, to, MARKER_BYTES)) {
            return OTHER;
        }
        // #bench SENDER-ID SEQ SENT-NANOS: the stamp is the third field.
        int i = text + MARKER_BYTES.length;
        for (int field = 0; field < 2; field++) {
            i = in.indexOf(i, to, (byte) ' ');
            if (i < 0) {
                return OTHER;
            }
            i++;
        }
        long sent = 0;
        int digits = 0;
        for (; i < to; i++, digits++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') {
                break;
            }
            sent = sent * 10 + (b - '0');
        }
        if (digits == 0 || digits > 18) {
            return OTHER;
        }
        long micros = Math.max(0, Math.min((System.nanoTime() - origin - sent) / 1000, MAX_LATENCY_MICROS));
        if (sent < measureFrom) {
            warmUpHistogram.recordValue(micros);
            return WARM_UP;
        }
        histogram.recordValue(micros);
        return MEASURED;
    }

    /** Where {@code " : "} starts in {@code [from, to)}, or -1: found by its colon, with Netty's word-at-a-time search. */
    private static int indexOf(ByteBuf in, int from, int to, byte[] what) {
        if (to - from < what.length) {
            // Also keeps ByteBuf.indexOf from searching backwards, as it does for a range given end first.
            return -1;
        }
        for (int colon = in.indexOf(from + 1, to, (byte) ':'); colon >= 0; colon = in.indexOf(colon + 1, to, (byte) ':')) {
            if (startsWith(in, colon - 1, to, what)) {
                return colon - 1;
            }
        }
        return -1;
    }

    /** The decimal number that fills {@code in} from {@code from} to {@code to}, or -1 if that is not one. */
    private static int digits(ByteBuf in, int from, int to) {
        if (to - from > 9) {
            return -1;
        }
        int value = 0;
        for (int i = from; i < to; i++) {
            byte b = in.getByte(i);
            if (b < '0' || b > '9') {
                return -1;
            }
            value = value * 10 + (b - '0');
        }
        return from < to ? value : -1;
    }

    private static boolean startsWith(ByteBuf in, int at, int to, byte[] what) {
        if (at + what.length > to) {
            return false;
        }
        for (int j = 0; j < what.length; j++) {
            if (in.getByte(at + j) != what[j]) {
                return false;
            }
        }
        return true;
    }
}
