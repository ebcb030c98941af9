package org.dualchat.loadgen;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DuplexChannel;
import java.nio.charset.StandardCharsets;

/**
 * One sender of {@code bench relay}: builds each message with its stamp as it is written
 * ({@code #bench SENDER-ID SEQ SENT-NANOS padding}), a batch of them in one buffer.
 */
final class StampedSender extends PacedSender {
    private final byte[] id;
    private final int size;
    private final long origin;
    private final boolean halfClose;
    private final byte[] digits = new byte[20];

    /**
     * @param origin the run's time zero, {@link System#nanoTime()}: stamps count from it
     * @param halfClose whether to shut the sending half once done (the measured run), or to leave the
     *     connection as it is (the warm-up, after which the same connection sends again)
     */
    StampedSender(long quota, double perNano, int perWrite, int id, int size, long origin, boolean halfClose) {
        super(quota, perNano, perWrite);
        this.id = Integer.toString(id).getBytes(StandardCharsets.US_ASCII);
        this.size = size;
        this.origin = origin;
        this.halfClose = halfClose;
    }

    @Override
    void write(Channel channel, long first, int n) {
        ByteBuf buf = channel.alloc().buffer(n * (size + 1 + 48));
        for (int k = 0; k < n; k++) {
            int lineStart = buf.writerIndex();
            buf.writeBytes(RelayReceiver.MARKER_BYTES).writeBytes(id).writeByte(' ');
            writeDecimal(buf, first + k);
            buf.writeByte(' ');
            writeDecimal(buf, System.nanoTime() - origin);
            buf.writeByte(' ');
            Payloads.pad(buf, size - (buf.writerIndex() - lineStart));
            buf.writeByte('\n');
        }
        channel.write(buf, channel.voidPromise());
    }

    @Override
    void finish(Channel channel) {
        if (halfClose && channel instanceof DuplexChannel duplex && channel.isActive()) {
            // Only the sending half: this client still reads what the others relay until the run closes it.
            duplex.shutdownOutput();
        }
    }

    private void writeDecimal(ByteBuf buf, long value) {
        int i = digits.length;
        do {
            digits[--i] = (byte) ('0' + value % 10);
            value /= 10;
        } while (value > 0);
        buf.writeBytes(digits, i, digits.length - i);
    }
}
