package org.dualchat.netty.limit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.codec.LineFramer;
import org.dualchat.netty.common.ReadGate;
import org.dualchat.netty.testing.EventRecorder;
import org.dualchat.netty.testing.PeerChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class IdleCloserTest {

    private static final Duration TIMEOUT = Duration.ofSeconds(10);

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, UTF_8);
    }

    private static String said(PeerChannel ch) {
        ByteBuf line = ch.readOutbound();
        try {
            return line == null ? null : line.toString(UTF_8);
        } finally {
            if (line != null) {
                line.release();
            }
        }
    }

    /** The server's order: the framer first, so that idleness is judged on whole messages. */
    private static PeerChannel framedChannel(EventRecorder after, long quietMillis) {
        return PeerChannel.from("10.0.0.1",
                new LineFramer(8192, TimeUnit.MILLISECONDS.toNanos(quietMillis)), new IdleCloser(TIMEOUT), after);
    }

    @Test
    void aSilentClientIsToldAndClosedAfterTheTimeout() {
        PeerChannel ch = framedChannel(new EventRecorder(), 0);
        ch.tick(9_999);
        assertThat(ch.isOpen()).isTrue();
        ch.tick(1);
        assertThat(said(ch)).isEqualTo("Idle timeout: no message in 10 seconds, closing\n");
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void eachMessageStartsTheTimeoutAfresh() {
        EventRecorder after = new EventRecorder();
        PeerChannel ch = framedChannel(after, 0);
        for (int i = 0; i < 5; i++) {
            ch.tick(9_000);
            ch.writeInbound(bytes("still here " + i + "\n"));
        }
        assertThat(ch.isOpen()).isTrue();
        assertThat(after.reads).hasSize(5);
        ch.tick(10_000);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void bytesThatNeverMakeALineDoNotKeepAClientAlive() {
        EventRecorder after = new EventRecorder();
        PeerChannel ch = framedChannel(after, 0);
        // One byte a second, never a newline: 25 seconds of trickle.
        for (int i = 0; i < 25 && ch.isOpen(); i++) {
            ch.writeInbound(bytes("x"));
            ch.tick(1_000);
        }
        assertThat(ch.isOpen()).isFalse();
        assertThat(said(ch)).startsWith("Idle timeout");
        // The framer delivers what the client had typed when the connection ends: nothing is lost.
        assertThat(after.reads).containsExactly("xxxxxxxxxx");
    }

    @Test
    void aPartialLineDeliveredAfterItsQuietTimeCountsAsAMessage() {
        EventRecorder after = new EventRecorder();
        PeerChannel ch = framedChannel(after, 200);
        for (int i = 0; i < 3; i++) {
            ch.tick(8_000);
            ch.writeInbound(bytes("typing, no newline " + i));
            ch.tick(200);
            ch.tick(20); // the framer's second look, 20 ms after the quiet time
        }
        assertThat(ch.isOpen()).isTrue();
        assertThat(after.reads).hasSize(3);
    }

    @Test
    void aClientIsNotJudgedWhileTheServerHasPausedReading() {
        PeerChannel ch = framedChannel(new EventRecorder(), 0);
        ReadGate.of(ch).pause(ReadGate.Reason.SINK_FULL);
        ch.tick(35_000);
        assertThat(ch.isOpen()).isTrue();
        ReadGate.of(ch).resume(ReadGate.Reason.SINK_FULL);
        ch.tick(10_000);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void theNoticeSaysTheTimeoutInSeconds() {
        assertThat(IdleCloser.describe(Duration.ofMinutes(5))).isEqualTo("300 seconds");
        assertThat(IdleCloser.describe(Duration.ofSeconds(1))).isEqualTo("1 second");
        assertThat(IdleCloser.describe(Duration.ofMillis(1500))).isEqualTo("1.5 seconds");
    }
}
