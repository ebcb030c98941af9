package org.dualchat.netty.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.dualchat.netty.testing.Inbound.drain;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.codec.string.StringDecoder;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.dualchat.netty.common.ReadGate;
import org.dualchat.netty.testing.Inbound;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class LineFramerTest {

    private static final long QUIET_MILLIS = 200;
    /** The second look the framer takes before it delivers a partial line: a quarter of the quiet time, 20 ms at most. */
    private static final long CONFIRM_MILLIS = 20;

    private static EmbeddedChannel channel(int maxLength, long quietMillis) {
        EmbeddedChannel ch = new EmbeddedChannel(
                new LineFramer(maxLength, TimeUnit.MILLISECONDS.toNanos(quietMillis)), new StringDecoder(UTF_8));
        ch.freezeTime();
        return ch;
    }

    private static EmbeddedChannel channel() {
        return channel(64, QUIET_MILLIS);
    }

    private static ByteBuf bytes(String text) {
        return Unpooled.copiedBuffer(text, UTF_8);
    }

    private static ByteBuf bytes(int... values) {
        byte[] b = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            b[i] = (byte) values[i];
        }
        return Unpooled.wrappedBuffer(b);
    }

    /** Moves the channel's clock on and runs what fell due, as an event loop keeping time would. */
    private static void tick(EmbeddedChannel ch, long millis) {
        ch.advanceTimeBy(millis, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
    }

    @Test
    void framesLfAndCrlfLinesWithoutTheirTerminators() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("one\ntwo\r\nthree\n"));
        assertThat(drain(ch)).containsExactly("one", "two", "three");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void joinsALineSplitAcrossReads() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("hel"));
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(bytes("lo\r"));
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(bytes("\nworld\n"));
        assertThat(drain(ch)).containsExactly("hello", "world");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aClientWhoseReadsEndMidLineCostsOneReadOfMemoryNotAGrowingBuffer() {
        EmbeddedChannel ch = channel(8192, QUIET_MILLIS);
        LineFramer framer = ch.pipeline().get(LineFramer.class);
        StringBuilder stream = new StringBuilder();
        for (int i = 0; i < 4096; i++) {
            stream.append(String.format("%064d", i)).append('\n'); // 65-byte lines: 4 KB reads end mid-line
        }
        int largest = 0;
        List<String> lines = new ArrayList<>();
        for (int at = 0; at < stream.length(); at += 4096) { // 65 reads of 4 KB
            ByteBuf read = Unpooled.directBuffer(4096, Integer.MAX_VALUE); // as a socket read: full, free to grow
            read.writeBytes(stream.substring(at, at + 4096).getBytes(UTF_8));
            ch.writeInbound(read);
            lines.addAll(drain(ch));
            largest = Math.max(largest, framer.heldCapacity());
        }
        assertThat(lines).hasSize(4096);
        for (int i = 0; i < lines.size(); i++) {
            assertThat(lines.get(i)).isEqualTo(String.format("%064d", i));
        }
        // Netty's default cumulator grew one buffer by doubling between its compactions: 64 KB here.
        assertThat(largest).as("the most this connection held between reads").isLessThanOrEqualTo(4096 + 65);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void keepsAnEmptyLineForTheHandlerToJudge() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("\n\r\na\n"));
        assertThat(drain(ch)).containsExactly("", "", "a");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void decodesAMultiByteCharacterSplitAcrossReads() {
        EmbeddedChannel ch = channel();
        // "é" is C3 A9, "€" is E2 82 AC, "🎉" is F0 9F 8E 89: each cut between two reads.
        ch.writeInbound(bytes(0x63, 0x61, 0x66, 0xC3));
        ch.writeInbound(bytes(0xA9, 0x20, 0xE2, 0x82));
        ch.writeInbound(bytes(0xAC, 0x20, 0xF0, 0x9F, 0x8E));
        ch.writeInbound(bytes(0x89, '\n'));
        assertThat(drain(ch)).containsExactly("café € 🎉");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void turnsInvalidUtf8IntoReplacementCharactersAndGoesOn() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes('a', 0xFF, 'b', 0xC3, '\n'));
        ch.writeInbound(bytes("next\n"));
        assertThat(drain(ch)).containsExactly("a\uFFFDb\uFFFD", "next");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void deliversAnOverLongLineInPiecesCutOnCharacterBoundaries() {
        EmbeddedChannel ch = channel(8, 0);
        // Byte 8 is the middle of "€": the first piece must stop before it.
        ch.writeInbound(bytes("abcdef€ghijklmnopq\n"));
        List<String> pieces = drain(ch);
        assertThat(pieces).containsExactly("abcdef", "€ghijk", "lmnopq");
        assertThat(String.join("", pieces)).isEqualTo("abcdef€ghijklmnopq");
        for (String piece : pieces) {
            assertThat(piece.getBytes(UTF_8).length).isLessThanOrEqualTo(8);
        }
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void deliversAnEndlessLineInPiecesWithoutWaitingForItsEnd() {
        EmbeddedChannel ch = channel(16, 0);
        for (int i = 0; i < 10; i++) {
            ch.writeInbound(bytes("0123456789"));
        }
        // 100 bytes without a newline: six whole pieces out, the rest held, nothing dropped.
        assertThat(Inbound.<String>drain(ch)).hasSize(6).allMatch(p -> p.length() == 16);
        assertThat(ch.finish()).isTrue();
        assertThat(drain(ch)).containsExactly("6789");
    }

    @Test
    void theNewlineAfterAQuietFlushEndsThatLineAndABlankLineAfterItIsKept() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("shown early"));
        ch.advanceTimeBy(QUIET_MILLIS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        tick(ch, CONFIRM_MILLIS);
        assertThat(drain(ch)).containsExactly("shown early");
        ch.writeInbound(bytes("\n\nnext\n"));
        assertThat(drain(ch)).containsExactly("", "next");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theNewlineEndingAPiecedLineIsNoEmptyLine() {
        EmbeddedChannel ch = channel(4, 0);
        ch.writeInbound(bytes("abcdefgh\nij\n"));
        assertThat(drain(ch)).containsExactly("abcd", "efgh", "ij");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aLineOfExactlyTheMaximumIsOneFrame() {
        EmbeddedChannel ch = channel(8, 0);
        ch.writeInbound(bytes("12345678\r\n87654321\n"));
        assertThat(drain(ch)).containsExactly("12345678", "87654321");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void deliversAPartialLineOnceTheSenderHasBeenQuiet() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("no newline"));
        ch.advanceTimeBy(QUIET_MILLIS - 1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat((Object) ch.readInbound()).isNull();

        ch.advanceTimeBy(1, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat((Object) ch.readInbound()).as("a second look first").isNull();
        tick(ch, CONFIRM_MILLIS);
        assertThat(drain(ch)).containsExactly("no newline");

        // The next message on the same connection is a message of its own.
        ch.writeInbound(bytes("second"));
        ch.advanceTimeBy(QUIET_MILLIS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        tick(ch, CONFIRM_MILLIS);
        assertThat(drain(ch)).containsExactly("second");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void waitsWhileAPartialLineKeepsGrowing() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("typ"));
        tick(ch, 150);
        ch.writeInbound(bytes("ing"));
        tick(ch, 50);
        tick(ch, 100);
        assertThat((Object) ch.readInbound()).as("only 150 ms quiet").isNull();

        tick(ch, 50);
        tick(ch, CONFIRM_MILLIS);
        assertThat(drain(ch)).containsExactly("typing");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aCheckThatRunsLateOnABusyLoopIsNoEvidenceOfQuiet() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("busy"));
        // The loop was busy elsewhere: the check due at 200 ms runs at 300 ms, before the loop has read
        // whatever this sender has sent meanwhile.
        tick(ch, 300);
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(bytes(" loop\n"));
        assertThat(drain(ch)).containsExactly("busy loop");

        ch.writeInbound(bytes("later"));
        tick(ch, 300);
        tick(ch, QUIET_MILLIS);
        tick(ch, CONFIRM_MILLIS);
        assertThat(drain(ch)).as("delivered once the loop keeps time again").containsExactly("later");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aQuietFlushHoldsBackAnUnfinishedCharacterAndATrailingCr() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes('o', 'k', '\r'));
        ch.advanceTimeBy(QUIET_MILLIS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        tick(ch, CONFIRM_MILLIS);
        assertThat(drain(ch)).containsExactly("ok");
        // The LF of that CRLF arrives late: it ends the line already delivered, neither a line with a CR
        // in it nor an empty line of its own.
        ch.writeInbound(bytes('\n', 'x', 0xE2, 0x82));
        ch.advanceTimeBy(QUIET_MILLIS, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        tick(ch, CONFIRM_MILLIS);
        assertThat(drain(ch)).containsExactly("x");
        ch.writeInbound(bytes(0xAC, '\n'));
        assertThat(drain(ch)).containsExactly("€");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aPartialLineIsNotCutWhileReadingIsPausedForBackpressure() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("line 23"));
        ch.config().setAutoRead(false);
        for (int i = 0; i < 10; i++) {
            tick(ch, QUIET_MILLIS);
        }
        assertThat((Object) ch.readInbound()).as("the rest is in the socket, unread").isNull();

        // Reading resumes just before a check is due; the check comes before the loop's next read.
        tick(ch, QUIET_MILLIS - 1);
        ch.config().setAutoRead(true);
        tick(ch, 1);
        assertThat((Object) ch.readInbound()).as("checked right after reading resumed").isNull();

        ch.writeInbound(bytes("9\n"));
        assertThat(drain(ch)).containsExactly("line 239");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aCheckRightAfterAStallLooksAgainOnceTheLoopHasReadWhatCameMeanwhile() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("stalled"));
        // The loop stalled (a full collection) just before the check: it runs 19 ms late, within the lateness
        // bound, and before the loop has read the rest of the line that arrived during the stall.
        tick(ch, QUIET_MILLIS + CONFIRM_MILLIS - 1);
        assertThat((Object) ch.readInbound()).as("a second look first").isNull();
        ch.writeInbound(bytes(" loop\n"));
        assertThat(drain(ch)).containsExactly("stalled loop");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aPauseThatEndsBetweenTwoChecksIsNotCountedAsTheSendersSilence() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("line 23")); // the read ended mid-line; a check is due in QUIET_MILLIS
        ReadGate gate = ReadGate.of(ch);
        gate.pause(ReadGate.Reason.SINK_FULL);
        tick(ch, QUIET_MILLIS - 50); // paused for most of the quiet time, resumed before the check
        gate.resume(ReadGate.Reason.SINK_FULL);
        tick(ch, 50);
        assertThat((Object) ch.readInbound()).as("read again for 50 ms only: the rest may still be in the socket")
                .isNull();

        ch.writeInbound(bytes("9\n"));
        assertThat(drain(ch)).containsExactly("line 239");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void withoutAQuietTimeoutAPartialLineWaitsForTheEndOfInput() {
        EmbeddedChannel ch = channel(64, 0);
        ch.writeInbound(bytes("patient"));
        ch.advanceTimeBy(1, TimeUnit.HOURS);
        ch.runScheduledPendingTasks();
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.finish()).isTrue();
        assertThat(drain(ch)).containsExactly("patient");
    }

    @Test
    void deliversThePartialLineLeftWhenTheConnectionCloses() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("line\nleft over\r"));
        assertThat(drain(ch)).containsExactly("line");
        assertThat(ch.finish()).isTrue();
        assertThat(drain(ch)).containsExactly("left over");
    }

    @Test
    void deliversThePartialLineWhenTheClientHalfCloses() {
        EmbeddedChannel ch = channel();
        ch.writeInbound(bytes("bye"));
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(drain(ch)).containsExactly("bye");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void rejectsALimitBelowOneCharacter() {
        assertThatThrownBy(() -> new LineFramer(3, 0)).hasMessage("maxLength: 3 (expected: >= 4)");
    }

    @Test
    void countsWholeCharacters() {
        assertThat(LineFramer.completeCharacters(bytes("ab"))).isEqualTo(2);
        assertThat(LineFramer.completeCharacters(bytes('a', 0xC3))).isEqualTo(1);
        assertThat(LineFramer.completeCharacters(bytes('a', 0xC3, 0xA9))).isEqualTo(3);
        assertThat(LineFramer.completeCharacters(bytes('a', 0xF0, 0x9F, 0x8E))).isEqualTo(1);
        assertThat(LineFramer.completeCharacters(bytes('a', 0xF0, 0x9F, 0x8E, 0x89))).isEqualTo(5);
        // Stray continuation bytes are not a character in the making: flush them as they are.
        assertThat(LineFramer.completeCharacters(bytes(0x80, 0x80, 0x80, 0x80))).isEqualTo(4);
    }

    @Test
    void countsEachOverLongLineOnceHoweverManyPiecesItTakes() {
        AtomicInteger splits = new AtomicInteger();
        EmbeddedChannel ch = new EmbeddedChannel(new LineFramer(8, 0, splits::incrementAndGet), new StringDecoder(UTF_8));
        ch.writeInbound(bytes("short\n"));
        assertThat(splits).hasValue(0);
        ch.writeInbound(bytes("a".repeat(20) + "\n"));
        assertThat(splits).hasValue(1);
        // One line arriving over several reads, cut in several places, is still one line split.
        ch.writeInbound(bytes("b".repeat(10)));
        ch.writeInbound(bytes("b".repeat(10)));
        ch.writeInbound(bytes("b".repeat(10) + "\nok\n"));
        assertThat(splits).hasValue(2);
        assertThat(String.join("", drain(ch))).isEqualTo("short" + "a".repeat(20) + "b".repeat(30) + "ok");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aPartialLineDeliveredForItsQuietTimeIsNotCountedAsSplit() {
        AtomicInteger splits = new AtomicInteger();
        EmbeddedChannel ch = new EmbeddedChannel(
                new LineFramer(64, TimeUnit.MILLISECONDS.toNanos(QUIET_MILLIS), splits::incrementAndGet));
        ch.freezeTime();
        ch.writeInbound(bytes("no newline"));
        tick(ch, QUIET_MILLIS);
        tick(ch, CONFIRM_MILLIS);
        ByteBuf partial = ch.readInbound();
        assertThat(partial.toString(UTF_8)).isEqualTo("no newline");
        partial.release();
        assertThat(splits).hasValue(0);
        assertThat(ch.finish()).isFalse();
    }
}
