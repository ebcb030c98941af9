package org.dualchat.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class IncomingLineFramerTest {

    private static final long QUIET = TimeUnit.MILLISECONDS.toNanos(100);

    @Test
    void cutsLinesAtLfAndCrlf() {
        EmbeddedChannel ch = new EmbeddedChannel(new IncomingLineFramer(64, QUIET));
        ch.writeInbound(utf8("Server connected\r\nalice : hi\nbob"));
        assertThat(readText(ch)).isEqualTo("Server connected");
        assertThat(readText(ch)).isEqualTo("alice : hi");
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(utf8(" : yo\n"));
        assertThat(readText(ch)).isEqualTo("bob : yo");
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void showsTextWithoutNewlineOnceTheServerIsQuiet() {
        EmbeddedChannel ch = new EmbeddedChannel(new IncomingLineFramer(64, QUIET));
        // The seeds' server greets with no newline at all.
        ch.writeInbound(utf8("Server connected"));
        assertThat((Object) ch.readInbound()).isNull();
        ch.advanceTimeBy(50, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat((Object) ch.readInbound()).isNull();
        ch.advanceTimeBy(60, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(readText(ch)).isEqualTo("Server connected");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void holdsBackAnUnfinishedCharacterAndACrWhenQuiet() {
        EmbeddedChannel ch = new EmbeddedChannel(new IncomingLineFramer(64, QUIET));
        byte[] euro = "€".getBytes(StandardCharsets.UTF_8);
        ByteBuf partial = Unpooled.buffer();
        partial.writeBytes("a€\r".getBytes(StandardCharsets.UTF_8));
        ch.writeInbound(partial);
        ch.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(readText(ch)).isEqualTo("a€");
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {'\n', 'b', euro[0], euro[1]}));
        // The line was shown already: its late newline does not add an empty one.
        assertThat((Object) ch.readInbound()).isNull();
        ch.advanceTimeBy(200, TimeUnit.MILLISECONDS);
        ch.runScheduledPendingTasks();
        assertThat(readText(ch)).isEqualTo("b");
        ch.writeInbound(Unpooled.wrappedBuffer(new byte[] {euro[2], '\n'}));
        assertThat(readText(ch)).isEqualTo("€");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void showsALongLineInPiecesCutOnCharacters() {
        EmbeddedChannel ch = new EmbeddedChannel(new IncomingLineFramer(8, QUIET));
        ch.writeInbound(utf8("abcdefg€xyz\n"));
        assertThat(readText(ch)).isEqualTo("abcdefg");
        assertThat(readText(ch)).isEqualTo("€xyz");
        assertThat((Object) ch.readInbound()).isNull();
        ch.writeInbound(utf8("\n"));
        assertThat(readText(ch)).as("an empty line is shown").isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void showsWhatIsLeftWhenTheConnectionEnds() {
        EmbeddedChannel ch = new EmbeddedChannel(new IncomingLineFramer(64, QUIET));
        ch.writeInbound(utf8("last words\r"));
        assertThat(ch.finish()).isTrue();
        assertThat(readText(ch)).isEqualTo("last words");
        assertThat((Object) ch.readInbound()).isNull();
    }

    private static ByteBuf utf8(String text) {
        return Unpooled.copiedBuffer(text, StandardCharsets.UTF_8);
    }

    private static String readText(EmbeddedChannel ch) {
        ByteBuf frame = ch.readInbound();
        assertThat(frame).as("a frame").isNotNull();
        try {
            return frame.toString(StandardCharsets.UTF_8);
        } finally {
            frame.release();
        }
    }
}
