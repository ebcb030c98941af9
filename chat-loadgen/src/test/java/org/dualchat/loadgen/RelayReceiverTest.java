package org.dualchat.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RelayReceiverTest {

    private static void feed(EmbeddedChannel channel, String text) {
        channel.writeInbound(Unpooled.copiedBuffer(text, StandardCharsets.UTF_8));
    }

    @Test
    void timesBenchLinesAfterTheFirstSeparatorAndIgnoresEveryOtherLine() {
        long origin = System.nanoTime() - 5_000_000_000L;
        RelayReceiver receiver = new RelayReceiver(origin);
        EmbeddedChannel channel = new EmbeddedChannel(receiver);
        long stamp = System.nanoTime() - origin - 3_000_000; // sent 3 ms ago
        feed(channel, "Server connected\n127.0.0.1 : #bench 0 1 " + stamp + " padd");
        feed(channel, "ing\r\nalice@::1 : #bench 2 7 " + stamp + " x\n");
        feed(channel, "* bob joined : welcome\n127.0.0.1 : hello : #bench 0 2 " + stamp + "\n");
        feed(channel, "127.0.0.1 : #bench 0 3 notanumber\n127.0.0.1 : #bench 0\n127.0.0.1 : #bench 0 4 " + stamp);

        assertThat(receiver.received()).isEqualTo(2);
        assertThat(receiver.histogram().getTotalCount()).isEqualTo(2);
        assertThat(receiver.histogram().getMinValue()).isGreaterThanOrEqualTo(3_000);
        assertThat(receiver.probed()).isFalse();

        feed(channel, "\n127.0.0.1 : #probe 1 0\n127.0.0.1 : " + RelayReceiver.probe(origin + 1, 0) + "\n");
        assertThat(receiver.probed()).as("another run's probe").isFalse();
        feed(channel, "127.0.0.1 : " + RelayReceiver.probe(origin) + " x\n127.0.0.1 : " + RelayReceiver.probe(origin) + "\n");
        assertThat(receiver.probed()).as("not a sender's probe").isFalse();
        feed(channel, "127.0.0.1 : " + RelayReceiver.probe(origin, LoadSpec.MAX_CONNECTIONS) + "\n");
        assertThat(receiver.probed()).as("no run has that many senders").isFalse();
        feed(channel, "127.0.0.1 : " + RelayReceiver.probe(origin, 0) + "\n");
        assertThat(receiver.received()).isEqualTo(3);
        assertThat(receiver.probed()).isTrue();
        assertThat(receiver.hasProbe(0)).isTrue();
        assertThat(receiver.hasProbe(1)).isFalse();
        feed(channel, "127.0.0.2 : " + RelayReceiver.probe(origin, 1) + "\n127.0.0.1 : " + RelayReceiver.probe(origin, 0) + "\n");
        assertThat(receiver.probes()).as("one probe from each sender, however often sent").isEqualTo(2);
        assertThat(receiver.hasProbe(1)).isTrue();
        assertThat((Object) channel.readInbound()).isNull();
        assertThat(channel.finish()).isFalse();
    }

    @Test
    void receiversOnOneLoopShareOneHistogramAndKeepTheirOwnCounts() {
        long origin = System.nanoTime() - 5_000_000_000L;
        org.HdrHistogram.Histogram shared = RelayReceiver.newHistogram();
        org.HdrHistogram.Histogram warmUp = RelayReceiver.newHistogram();
        RelayReceiver one = new RelayReceiver(origin, shared, warmUp);
        RelayReceiver two = new RelayReceiver(origin, shared, warmUp);
        EmbeddedChannel first = new EmbeddedChannel(one);
        EmbeddedChannel second = new EmbeddedChannel(two);
        long stamp = System.nanoTime() - origin - 1_000_000;
        feed(first, "127.0.0.1 : #bench 0 1 " + stamp + "\n");
        feed(second, "127.0.0.1 : #bench 0 1 " + stamp + "\n127.0.0.1 : #bench 0 2 " + stamp + "\n");

        assertThat(one.received()).isEqualTo(1);
        assertThat(two.received()).isEqualTo(2);
        assertThat(shared.getTotalCount()).isEqualTo(3);
        assertThat(one.histogram()).isSameAs(two.histogram());
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
    }

    @Test
    void countsAndTimesMessagesStampedBeforeTheMeasuredRunAsWarmUp() {
        long origin = System.nanoTime() - 5_000_000_000L;
        RelayReceiver receiver = new RelayReceiver(origin);
        EmbeddedChannel channel = new EmbeddedChannel(receiver);
        long early = System.nanoTime() - origin - 2_000_000_000L; // 2 s ago: slow, and warm-up
        receiver.measureFrom(Long.MAX_VALUE);
        feed(channel, "127.0.0.1 : #bench 0 1 " + early + "\n127.0.0.1 : #bench 0 2 " + early + "\n");
        assertThat(receiver.warmUpReceived()).isEqualTo(2);
        assertThat(receiver.received()).isZero();

        long runStart = System.nanoTime() - origin - 1_000_000;
        receiver.measureFrom(runStart);
        // A warm-up line still on its way once the run has started stays warm-up.
        feed(channel, "127.0.0.1 : #bench 0 3 " + early + "\n127.0.0.1 : #bench 0 1 " + (runStart + 1) + "\n");

        assertThat(receiver.warmUpReceived()).isEqualTo(3);
        assertThat(receiver.received()).isEqualTo(1);
        assertThat(receiver.warmUpHistogram().getTotalCount()).isEqualTo(3);
        assertThat(receiver.warmUpHistogram().getMinValue()).isGreaterThanOrEqualTo(2_000_000);
        assertThat(receiver.histogram().getTotalCount()).isEqualTo(1);
        assertThat(receiver.histogram().getMaxValue()).as("only the measured line, sent 1 ms ago").isLessThan(1_000_000);
        channel.finishAndReleaseAll();
    }

    @Test
    void ignoresTheHistoryAJoinerIsShownButThisRunsProbeInIt() {
        long origin = System.nanoTime();
        RelayReceiver receiver = new RelayReceiver(origin);
        EmbeddedChannel channel = new EmbeddedChannel(receiver);
        feed(channel, "* last 2 messages:\n[12:00:05] 127.0.0.1 : #bench 0 9 5\n[12:00:05] 127.0.0.1 : "
                + RelayReceiver.probe(origin - 5, 0) + "\n* end of history\n");
        assertThat(receiver.received()).isZero();
        assertThat(receiver.probed()).as("an earlier run's probe").isFalse();
        // Taken in just after this run's probe went by: it is in the history.
        feed(channel, "* last message:\n[12:00:06] 127.0.0.1 : " + RelayReceiver.probe(origin, 0) + "\n* end of history\n");
        assertThat(receiver.probed()).isTrue();
        assertThat(receiver.received()).isZero();
        channel.finishAndReleaseAll();
    }

    @Test
    void skipsALineTooLongToBeOursWithoutHoldingIt() {
        RelayReceiver receiver = new RelayReceiver(System.nanoTime());
        EmbeddedChannel channel = new EmbeddedChannel(receiver);
        feed(channel, "127.0.0.1 : " + "x".repeat(300 * 1024));
        feed(channel, "#bench 0 1 5\n127.0.0.1 : #bench 0 2 5\n");
        assertThat(receiver.received()).isEqualTo(1);
        channel.finishAndReleaseAll();
    }

    @Test
    void aLineCutAcrossSeveralReadsCountsOnceAndEveryReadIsReleased() {
        long origin = System.nanoTime() - 5_000_000_000L;
        RelayReceiver receiver = new RelayReceiver(origin);
        EmbeddedChannel channel = new EmbeddedChannel(receiver);
        long stamp = System.nanoTime() - origin - 2_000_000;
        String line = "127.0.0.1 : #bench 0 1 " + stamp + " padding\n";
        List<ByteBuf> reads = new ArrayList<>();
        // Cut into pieces of 1 to 7 bytes, then two whole lines in one read.
        for (int at = 0, piece = 1; at < line.length(); at += piece, piece = piece % 7 + 1) {
            reads.add(Unpooled.copiedBuffer(line.substring(at, Math.min(line.length(), at + piece)), StandardCharsets.UTF_8));
        }
        reads.add(Unpooled.copiedBuffer(line + line, StandardCharsets.UTF_8));
        for (ByteBuf read : reads) {
            channel.writeInbound(read);
        }

        assertThat(receiver.received()).isEqualTo(3);
        assertThat(receiver.histogram().getTotalCount()).isEqualTo(3);
        assertThat(reads).allSatisfy(read -> assertThat(read.refCnt()).isZero());
        channel.finishAndReleaseAll();
    }

    @Test
    void aLineThatGrowsPastTheLimitOverManyReadsIsDroppedNotHeld() {
        long origin = System.nanoTime() - 5_000_000_000L;
        RelayReceiver receiver = new RelayReceiver(origin);
        EmbeddedChannel channel = new EmbeddedChannel(receiver);
        feed(channel, "127.0.0.1 : ");
        for (int i = 0; i < 8; i++) { // 8 reads of 64 KB, none with a newline: twice the limit
            feed(channel, "x".repeat(64 * 1024));
            assertThat(receiver.heldBytes()).isLessThanOrEqualTo(RelayReceiver.MAX_LINE);
        }
        long stamp = System.nanoTime() - origin - 1_000_000;
        feed(channel, "x\n127.0.0.1 : #bench 0 1 " + stamp + "\n");
        assertThat(receiver.received()).as("the line after it is read as usual").isEqualTo(1);
        assertThat(receiver.heldBytes()).isZero();
        channel.finishAndReleaseAll();
    }
}
