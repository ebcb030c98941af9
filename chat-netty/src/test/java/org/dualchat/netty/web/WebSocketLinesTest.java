package org.dualchat.netty.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PingWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.netty.stats.ServerStats;
import org.junit.jupiter.api.Test;

/** Frames to lines and lines to frames in an {@code EmbeddedChannel}, and the close codes. */
class WebSocketLinesTest {

    private final ServerStats stats = new ServerStats();
    private final EmbeddedChannel ch = new EmbeddedChannel(new WebSocketLines(stats));

    @Test
    void aTextFrameBecomesItsLinesWithoutTerminatorsOrBlankOnes() {
        ch.writeInbound(new TextWebSocketFrame("one\r\ntwo\n\nthree"));
        ch.writeInbound(new TextWebSocketFrame("héllo 🎉"));
        assertThat(List.<Object>of(ch.readInbound(), ch.readInbound(), ch.readInbound(), ch.readInbound()))
                .containsExactly("one", "two", "three", "héllo 🎉");
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(stats.tcpLines()).isEqualTo(4);
        assertThat(ch.isOpen()).isTrue();
        ch.finishAndReleaseAll();
    }

    @Test
    void eachRelayedLineBecomesOneTextFrame() {
        ch.writeOutbound(Unpooled.copiedBuffer("alice@::1 : hi\n127.0.0.1 : <b>x</b>\n", UTF_8));
        ch.writeOutbound(Unpooled.copiedBuffer("* 127.0.0.1:4000 joined\n", UTF_8));
        assertThat(texts()).containsExactly("alice@::1 : hi", "127.0.0.1 : <b>x</b>", "* 127.0.0.1:4000 joined");
        ch.finishAndReleaseAll();
    }

    @Test
    void binaryFramesAreRefusedWith1003() {
        ch.writeInbound(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(new byte[] {1, 2})));
        assertThat((Object) ch.readInbound()).isNull();
        assertClosedWith(1003);
    }

    @Test
    void aMessageOverTheLongestLineIsClosedWith1009() {
        ch.pipeline().fireExceptionCaught(new TooLongFrameException("content length exceeded 64 bytes."));
        assertClosedWith(1009);
    }

    @Test
    void pingsAreAnsweredAndAClientsCloseIsEchoed() {
        ch.writeInbound(new PingWebSocketFrame(Unpooled.copiedBuffer("are you there", UTF_8)));
        PongWebSocketFrame pong = ch.readOutbound();
        assertThat(pong.content().toString(UTF_8)).isEqualTo("are you there");
        pong.release();
        ch.writeInbound(new CloseWebSocketFrame(1001, "tab closed"));
        assertClosedWith(1000);
    }

    @Test
    void aCloseAskedByTheHandlersAfterItIsToldToTheClientFirst() {
        // /quit, the idle timeout and shutdown all close the channel from the pipeline's tail.
        ch.close();
        assertClosedWith(1000);
    }

    private void assertClosedWith(int code) {
        CloseWebSocketFrame close = ch.readOutbound();
        assertThat(close).isNotNull();
        assertThat(close.statusCode()).isEqualTo(code);
        close.release();
        assertThat((Object) ch.readOutbound()).as("one close frame only").isNull();
        assertThat(ch.isOpen()).isFalse();
    }

    private List<String> texts() {
        List<String> texts = new ArrayList<>();
        TextWebSocketFrame frame;
        while ((frame = ch.readOutbound()) != null) {
            texts.add(frame.text());
            frame.release();
        }
        return texts;
    }
}
