package org.dualchat.netty.codec;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Telnet's commands taken out of the stream: refused, never passed on; Ctrl-C as an event after the text. */
@Timeout(10)
class TelnetFilterTest {

    private final List<Object> events = new ArrayList<>();
    private final EmbeddedChannel ch = new EmbeddedChannel(new TelnetFilter(), new ChannelInboundHandlerAdapter() {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            events.add(evt);
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ctx.fireChannelRead(msg);
        }
    });

    private static ByteBuf hex(String hex) {
        return Unpooled.wrappedBuffer(HexFormat.of().parseHex(hex.replace(" ", "")));
    }

    /** Everything passed on, as one string of bytes (ISO-8859-1, so 0xFF stays visible). */
    private String passedOn() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        for (ByteBuf buf = ch.readInbound(); buf != null; buf = ch.readInbound()) {
            byte[] b = new byte[buf.readableBytes()];
            buf.readBytes(b);
            bytes.writeBytes(b);
            buf.release();
        }
        return bytes.toString(java.nio.charset.StandardCharsets.ISO_8859_1);
    }

    /** Everything the filter answered, in hex. */
    private String answered() {
        StringBuilder hex = new StringBuilder();
        for (ByteBuf buf = ch.readOutbound(); buf != null; buf = ch.readOutbound()) {
            hex.append(io.netty.buffer.ByteBufUtil.hexDump(buf));
            buf.release();
        }
        return hex.toString();
    }

    @Test
    void textWithoutIacPassesUntouchedAsTheSameBuffer() {
        ByteBuf text = Unpooled.copiedBuffer("héllo 🎉\n", UTF_8);
        ch.writeInbound(text);
        ByteBuf out = ch.readInbound();
        assertThat(out).isSameAs(text);
        out.release();
        assertThat(answered()).isEmpty();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void optionRequestsAreRefusedAndNeverPassedOn() {
        // DO ECHO, WILL TERMINAL-TYPE, DO SUPPRESS-GO-AHEAD, then text, then WONT/DONT which need no answer.
        ch.writeInbound(hex("fffd01 fffb18 fffd03"), Unpooled.copiedBuffer("hi", UTF_8), hex("fffc01 fffe03"),
                Unpooled.copiedBuffer("\n", UTF_8));
        assertThat(passedOn()).isEqualTo("hi\n");
        assertThat(answered()).isEqualTo("fffc01" + "fffe18" + "fffc03");
        // Asked again, refused already: no second answer, so replies cannot pile up.
        ch.writeInbound(hex("fffd01 fffd01"));
        assertThat(answered()).isEmpty();
        assertThat(events).isEmpty();
        assertThat(ch.finishAndReleaseAll()).isFalse();
    }

    @Test
    void commandsSplitAcrossReadsAreStillCommands() {
        ch.writeInbound(hex("61ff"), hex("fd"), hex("1f62"), hex("ff"), hex("f163"));
        assertThat(passedOn()).isEqualTo("abc");
        assertThat(answered()).isEqualTo("fffc1f");
    }

    @Test
    void bytesThatAreNoCommandOfOursPassOnForTheDecoderToEscape() {
        // A stray 0xFF before text, IAC IAC, and a subnegotiation (telnet sends none: we agree to nothing).
        ch.writeInbound(hex("78ff79 ffff fffa1800fff0 0a"));
        assertThat(passedOn()).isEqualTo("x\u00ffy\u00ff\u00ff\u00ff\u00fa\u0018\u0000\u00ff\u00f0\n");
        assertThat(answered()).isEmpty();
        // One-byte commands telnet may send (NOP, AYT, GA) are dropped.
        ch.writeInbound(hex("61 fff1 fff6 fff9 62"));
        assertThat(passedOn()).isEqualTo("ab");
        assertThat(events).isEmpty();
    }

    @Test
    void interruptProcessEndsTheSessionAfterTheTextBeforeItAndTheTimingMarkAnswer() {
        // What telnet sends on Ctrl-C: IAC IP IAC DO TIMING-MARK, at the end of what it sends at once.
        ch.writeInbound(Unpooled.copiedBuffer("last words\n", UTF_8), hex("fff4 fffd06"));
        assertThat(passedOn()).isEqualTo("last words\n");
        assertThat(answered()).as("WONT TIMING-MARK, which telnet waits for").isEqualTo("fffc06");
        assertThat(events).containsExactly(TelnetFilter.INTERRUPT);
        // Nothing after it is passed on.
        ch.writeInbound(Unpooled.copiedBuffer("more\n", UTF_8));
        assertThat(passedOn()).isEmpty();
        assertThat(events).hasSize(1);
    }

    @Test
    void interruptAloneCountsButInTheMiddleOfJunkItIsJunk() {
        ch.writeInbound(hex("01 fff4 02"));
        assertThat(passedOn()).isEqualTo("\u0001\u00ff\u00f4\u0002");
        assertThat(events).isEmpty();
        ch.writeInbound(hex("fff4"));
        assertThat(events).containsExactly(TelnetFilter.INTERRUPT);
    }
}
