package org.dualchat.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.HdrHistogram.Histogram;

/**
 * One receiving client of {@code bench relay}: reads the relayed lines {@code SENDER : TEXT}, and for
 * each whose text is a bench message ({@code #bench SENDER-ID SEQ SENT-NANOS padding}) records the time
 * it took from the sender's write to here. Every other line (the greeting, server notices, the history a
 * joiner is shown) is ignored.
 * Lines are parsed in the receive buffer, without making a string of them.
 */
final class RelayReceiver extends ByteToMessageDecoder {

    static final String MARKER = "#bench ";
    static final String PROBE = "#probe";

    /** Latencies above a minute are recorded as a minute: beyond that the run has failed anyway. */
    static final long MAX_LATENCY_MICROS = 60_000_000L;
    // A line longer than this is not ours: skip it rather than buffer it.
    private static final int MAX_LINE = 256 * 1024;

    private static final byte[] SEPARATOR = {' ', ':', ' '};
    static final byte[] MARKER_BYTES = MARKER.getBytes(StandardCharsets.US_ASCII);

    private final long origin;
    private final Histogram histogram;
    private volatile long received;
    private volatile boolean probed;
    private boolean skipping;
    private final byte[] probeBytes;

    /** A receiver with a histogram of its own. */
    RelayReceiver(long origin) {
        this(origin, newHistogram());
    }

    /**
     * @param origin the run's time zero, {@link System#nanoTime()}, which the senders' stamps count from
     * @param histogram where the latencies go: shared by the receivers of one event loop, and written on it only
     */
    RelayReceiver(long origin, Histogram histogram) {
        this.origin = origin;
        this.histogram = histogram;
        this.probeBytes = probe(origin).getBytes(StandardCharsets.US_ASCII);
    }

    /** The probe line of the run that started at {@code origin}: its own, so an earlier run's is not taken for it. */
    static String probe(long origin) {
        return PROBE + " " + origin;
    }

    long received() {
        return received;
    }

    boolean probed() {
        return probed;
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

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        long count = received;
        int lf;
        while ((lf = in.indexOf(in.readerIndex(), in.writerIndex(), (byte) '\n')) >= 0) {
            if (skipping) {
                skipping = false;
            } else if (line(in, in.readerIndex(), lf)) {
                count++;
            }
            in.readerIndex(lf + 1);
        }
        if (in.readableBytes() > MAX_LINE) {
            in.skipBytes(in.readableBytes());
            skipping = true;
        }
        received = count;
    }

    /** Records one line; says whether it was a bench message. */
    private boolean line(ByteBuf in, int from, int to) {
        // History a joiner is shown ([12:00:05] SENDER : TEXT) is not a relay: only this run's probe counts in it,
        // for a receiver the server took in just after the probe went by.
        boolean past = from < to && in.getByte(from) == '[';
        int text = indexOf(in, from, to, SEPARATOR);
        if (text < 0) {
            return false;
        }
        text += SEPARATOR.length;
        if (to - text == probeBytes.length && startsWith(in, text, to, probeBytes)) {
            probed = true;
            return false;
        }
        if (past) {
            return false;
        }
        if (!startsWith(in, text, to, MARKER_BYTES)) {
            return false;
        }
        // #bench SENDER-ID SEQ SENT-NANOS: the stamp is the third field.
        int i = text + MARKER_BYTES.length;
        for (int field = 0; field < 2; field++) {
            i = in.indexOf(i, to, (byte) ' ');
            if (i < 0) {
                return false;
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
            return false;
        }
        long micros = (System.nanoTime() - origin - sent) / 1000;
        histogram.recordValue(Math.max(0, Math.min(micros, MAX_LATENCY_MICROS)));
        return true;
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
