package org.dualchat.netty.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.dualchat.netty.testing.Inbound.drain;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.stats.ServerStats;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The server's framer, which decodes each line itself ({@link Utf8LineDecoder#frameReader}): every way a frame
 * leaves it (a line, a piece of a long line, a partial line after its quiet time, what is left at the end) comes
 * out as text, counted in the server's stats, and every read is released.
 */
@Timeout(10)
class FramedTextTest {

    private static final long QUIET_MILLIS = 200;

    private final ServerStats stats = new ServerStats();
    private final List<ByteBuf> reads = new ArrayList<>();

    private EmbeddedChannel channel(int maxLength) {
        EmbeddedChannel ch = new EmbeddedChannel(new LineFramer(maxLength,
                TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS), stats::lineSplit, Utf8LineDecoder.frameReader(stats)));
        ch.freezeTime();
        return ch;
    }

    private ByteBuf read(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        ByteBuf buf = Unpooled.wrappedBuffer(b);
        reads.add(buf);
        return buf;
    }

    private ByteBuf read(String text) {
        ByteBuf buf = Unpooled.copiedBuffer(text, UTF_8);
        reads.add(buf);
        return buf;
    }

    @Test
    void linesComeOutAsTextAndAreCounted() {
        EmbeddedChannel ch = channel(64);
        // "é" (C3 A9) cut between two reads; an invalid byte; a blank line, which is passed on but not counted.
        ch.writeInbound(read("one\r\ncaf"), read(0xC3));
        ch.writeInbound(read(0xA9, '\n', 'a', 0xFF, '\n', '\n'), read("\uFFFD is valid\n"));

        assertThat(drain(ch)).containsExactly("one", "café", "a\uFFFD", "", "\uFFFD is valid");
        assertThat(stats.tcpLines()).isEqualTo(4);
        assertThat(stats.decodeErrors()).as("only the line with the invalid byte").isEqualTo(1);
        assertThat(ch.finish()).isFalse();
        assertThat(reads).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }

    @Test
    void piecesOfALongLineAQuietPartialLineAndTheRestAtTheEndAreTextToo() {
        EmbeddedChannel ch = channel(8);
        ch.writeInbound(read("0123456789ab\n"));
        assertThat(drain(ch)).containsExactly("01234567", "89ab");
        assertThat(stats.linesSplit()).isEqualTo(1);

        ch.writeInbound(read("quiet"));
        ch.advanceTimeBy(QUIET_MILLIS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        ch.advanceTimeBy(20, TimeUnit.MILLISECONDS); // its second look, on time (see LineFramerTest)
        ch.runScheduledPendingTasks();
        assertThat(drain(ch)).containsExactly("quiet");

        ch.writeInbound(read("\nlast"));
        assertThat(ch.finish()).isTrue();
        assertThat(drain(ch)).containsExactly("last");
        assertThat(stats.tcpLines()).isEqualTo(4);
        assertThat(reads).allSatisfy(buf -> assertThat(buf.refCnt()).isZero());
    }
}
