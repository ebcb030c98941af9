package org.dualchat.netty.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

/** The connection limiter's refusal, told as an HTTP 503. */
class HttpRefusalTest {

    @Test
    void aLineWrittenAsTheConnectionOpensBecomesA503() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRefusal(), new ChannelInboundHandlerAdapter() {
            @Override
            public void channelActive(ChannelHandlerContext ctx) {
                ctx.writeAndFlush(Unpooled.copiedBuffer("Server full: 2 connections, try again later\n", UTF_8));
                ctx.close();
            }
        });
        ByteBuf response = ch.readOutbound();
        assertThat(response.toString(UTF_8)).isEqualTo("HTTP/1.1 503 Service Unavailable\r\n"
                + "Content-Type: text/plain; charset=utf-8\r\nContent-Length: 44\r\nRetry-After: 10\r\n"
                + "Connection: close\r\n\r\nServer full: 2 connections, try again later\n");
        response.release();
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void laterWritesPassUntouched() {
        EmbeddedChannel ch = new EmbeddedChannel(new HttpRefusal());
        ch.writeOutbound(Unpooled.copiedBuffer("HTTP/1.1 200 OK\r\n", UTF_8));
        ByteBuf out = ch.readOutbound();
        assertThat(out.toString(UTF_8)).isEqualTo("HTTP/1.1 200 OK\r\n");
        out.release();
        assertThat(ch.finish()).isFalse();
    }
}
