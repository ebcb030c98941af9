package org.dualchat.netty.limit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.common.ReadGate;
import org.dualchat.netty.stats.ServerStats.Drop;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.testing.EventRecorder;
import org.dualchat.netty.testing.PeerChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class RateLimiterTest {

    private static final long MS = TimeUnit.MILLISECONDS.toNanos(1);

    private final ServerStats stats = new ServerStats();

    private static InetAddress ip(String text) {
        try {
            return InetAddress.getByName(text);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e);
        }
    }

    @Test
    void aBucketLetsABurstThroughThenTheRate() {
        RateLimiter limiter = new RateLimiter(10, 3, 100);
        InetAddress a = ip("10.0.0.1");
        long now = 1_000_000 * MS;
        assertThat(limiter.tryTake(a, 1, now)).isTrue();
        assertThat(limiter.tryTake(a, 2, now)).isTrue();
        assertThat(limiter.tryTake(a, 1, now)).as("burst spent").isFalse();
        assertThat(limiter.tryTake(ip("10.0.0.2"), 3, now)).as("another source has its own bucket").isTrue();
        assertThat(limiter.tryTake(a, 1, now + 99 * MS)).isFalse();
        assertThat(limiter.tryTake(a, 1, now + 100 * MS)).as("one token a tenth of a second").isTrue();
        assertThat(limiter.tryTake(a, 1, now + 100 * MS)).isFalse();
    }

    @Test
    void takingIntoDebtSaysHowLongToWait() {
        RateLimiter limiter = new RateLimiter(10, 2, 100);
        InetAddress a = ip("::1");
        long now = 5 * MS;
        assertThat(limiter.take(a, now)).isZero();
        assertThat(limiter.take(a, now)).isZero();
        assertThat(limiter.take(a, now)).isEqualTo(100 * MS);
        assertThat(limiter.take(a, now)).isEqualTo(200 * MS);
        assertThat(limiter.debt(a, now + 150 * MS)).isEqualTo(50 * MS);
        assertThat(limiter.debt(a, now + 200 * MS)).isZero();
        assertThat(limiter.debt(ip("10.0.0.9"), now)).isZero();
    }

    @Test
    void refilledBucketsAreForgottenAndTheirNumberIsCapped() {
        RateLimiter limiter = new RateLimiter(10, 2, 3);
        long now = 0;
        for (int i = 1; i <= 10; i++) {
            limiter.tryTake(ip("10.0.0." + i), 2, now);
        }
        assertThat(limiter.sources()).isEqualTo(3);
        // Sources beyond the cap share one bucket: together they got one burst, the rest is refused.
        assertThat(limiter.tryTake(ip("10.0.1.1"), 1, now)).isFalse();

        limiter.expire(now + 199 * MS);
        assertThat(limiter.sources()).as("not yet refilled").isEqualTo(3);
        limiter.expire(now + 200 * MS);
        assertThat(limiter.sources()).isZero();
        assertThat(limiter.tryTake(ip("10.0.1.1"), 2, now + 200 * MS)).isTrue();
    }

    @Test
    void datagramsOverTheRateAreDroppedWholeCountedAndReleased() {
        RateLimiter limiter = new RateLimiter(10, 3, 100);
        PeerChannel ch = PeerChannel.from("::1", new DatagramRateLimiter(limiter, stats));
        DatagramPacket threeLines = AccessFilterTest.datagram("10.0.0.1", "a\nb\nc\n");
        DatagramPacket oneMore = AccessFilterTest.datagram("10.0.0.1", "d");
        DatagramPacket otherSource = AccessFilterTest.datagram("10.0.0.2", "e");
        ch.writeInbound(threeLines, oneMore, otherSource);

        assertThat((Object) ch.readInbound()).isSameAs(threeLines);
        assertThat((Object) ch.readInbound()).isSameAs(otherSource);
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(oneMore.refCnt()).isZero();
        assertThat(stats.dropped(Drop.RATE_LIMIT)).isEqualTo(1);
        threeLines.release();
        otherSource.release();

        ch.tick(100);
        DatagramPacket later = AccessFilterTest.datagram("10.0.0.1", "f");
        ch.writeInbound(later);
        assertThat((Object) ch.readInbound()).isSameAs(later);
        later.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aDatagramWithMoreLinesThanTheBurstStillFitsAFullBucket() {
        RateLimiter limiter = new RateLimiter(10, 3, 100);
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramRateLimiter(limiter, stats));
        DatagramPacket many = AccessFilterTest.datagram("10.0.0.1", "1\n2\n3\n4\n5\n6\n");
        ch.writeInbound(many);
        assertThat((Object) ch.readInbound()).isSameAs(many);
        many.release();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void countsTheLinesOfADatagramAsTheDecoderCutsThem() {
        assertThat(DatagramRateLimiter.lines(Unpooled.EMPTY_BUFFER)).isEqualTo(1);
        assertThat(DatagramRateLimiter.lines(Unpooled.copiedBuffer("a", UTF_8))).isEqualTo(1);
        assertThat(DatagramRateLimiter.lines(Unpooled.copiedBuffer("a\n", UTF_8))).isEqualTo(1);
        assertThat(DatagramRateLimiter.lines(Unpooled.copiedBuffer("a\r\nb", UTF_8))).isEqualTo(2);
        assertThat(DatagramRateLimiter.lines(Unpooled.copiedBuffer("\n\n\n", UTF_8))).isEqualTo(3);
    }

    @Test
    void tcpInputOverTheRateIsPassedOnAndReadingPausesUntilTheSourceIsWithinAgain() {
        RateLimiter limiter = new RateLimiter(10, 5, 100);
        EventRecorder after = new EventRecorder();
        PeerChannel ch = PeerChannel.from("10.0.0.1", new TcpRateLimiter(limiter), after);
        for (int i = 0; i < 5; i++) {
            ch.writeInbound("line " + i);
        }
        assertThat(ch.config().isAutoRead()).as("within the burst").isTrue();
        ch.writeInbound("line 5", "line 6");
        assertThat(after.reads).as("nothing dropped").hasSize(7);
        assertThat(ch.config().isAutoRead()).isFalse();

        ch.tick(199);
        assertThat(ch.config().isAutoRead()).isFalse();
        ch.tick(1);
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theRateLimitDoesNotResumeAClientThatTheFullSinkHoldsBack() {
        RateLimiter limiter = new RateLimiter(10, 1, 100);
        PeerChannel ch = PeerChannel.from("10.0.0.1", new TcpRateLimiter(limiter), new EventRecorder());
        ch.writeInbound("one", "two");
        assertThat(ch.config().isAutoRead()).isFalse();
        ReadGate.of(ch).pause(ReadGate.Reason.SINK_FULL);
        ch.tick(1_000);
        assertThat(ch.config().isAutoRead()).as("the sink is still full").isFalse();
        ReadGate.of(ch).resume(ReadGate.Reason.SINK_FULL);
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void connectionsFromOneSourceShareItsRate() {
        RateLimiter limiter = new RateLimiter(10, 2, 100);
        PeerChannel first = PeerChannel.from("10.0.0.1", new TcpRateLimiter(limiter), new EventRecorder());
        PeerChannel second = PeerChannel.from(PeerChannel.mapped("10.0.0.1", 4000), new TcpRateLimiter(limiter),
                new EventRecorder());
        PeerChannel other = PeerChannel.from("10.0.0.2", new TcpRateLimiter(limiter), new EventRecorder());
        first.writeInbound("a", "b");
        second.writeInbound("c");
        other.writeInbound("d", "e");
        assertThat(first.config().isAutoRead()).isTrue();
        assertThat(second.config().isAutoRead()).isFalse();
        assertThat(other.config().isAutoRead()).isTrue();
        first.finishAndReleaseAll();
        second.finishAndReleaseAll();
        other.finishAndReleaseAll();
    }
}
