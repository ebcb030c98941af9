package org.dualchat.netty.web;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameDecoder;
import io.netty.handler.codec.http.websocketx.WebSocket13FrameEncoder;
import io.netty.handler.timeout.IdleStateHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.limit.Limits;
import org.dualchat.netty.stats.ServerStats;
import org.junit.jupiter.api.Test;

/** The page's handler in an {@code EmbeddedChannel}: files, the upgrade to a member, the Origin check, the limits. */
class WebRequestHandlerTest {

    private static final String KEY = "dGhlIHNhbXBsZSBub25jZQ==";
    /** RFC 6455's own example: the accept value for {@link #KEY}. */
    private static final String ACCEPT = "s3pPLMBiTxaQ9kYGzzhZRbK+xOo=";

    private final Recorder member = new Recorder();

    private EmbeddedChannel channel(ChatServerConfig config) {
        ServerStats stats = new ServerStats();
        WebSocketStage stage = new WebSocketStage(config.maxLineLength(), stats, new Limits(config.limitOptions(), stats), () -> member);
        return new EmbeddedChannel(
                new IdleStateHandler(0, 0, 60), new HttpServerCodec(), new HttpObjectAggregator(8192),
                new WebRequestHandler(new StaticFiles(config.maxLineLength(), true),
                        new WebOrigins(config.webOptions().allowOrigins()), stage, false)) {
            {
                // The names the initializer gives; the upgrade removes the idle timer by its name.
                pipeline().replace(IdleStateHandler.class, WebChannelInitializer.HTTP_IDLE, new IdleStateHandler(0, 0, 60));
            }
        };
    }

    private static ChatServerConfig.Builder config() {
        return ChatServerConfig.builder();
    }

    private static String upgrade(String origin) {
        return "GET /ws HTTP/1.1\r\nHost: 127.0.0.1:8080\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + KEY + "\r\nSec-WebSocket-Version: 13\r\n"
                + (origin == null ? "" : "Origin: " + origin + "\r\n") + "\r\n";
    }

    @Test
    void theUpgradeMakesTheConnectionAMemberThatSpeaksLinesAsFrames() {
        EmbeddedChannel ch = channel(config().idleTimeout(Duration.ZERO).build());
        ch.writeInbound(Unpooled.copiedBuffer(upgrade("http://127.0.0.1:8080"), UTF_8));
        String response = readAll(ch);
        assertThat(response).startsWith("HTTP/1.1 101 Switching Protocols\r\n")
                .containsIgnoringCase("sec-websocket-accept: " + ACCEPT + "\r\n");
        assertThat(ch.pipeline().names()).containsSubsequence("wsencoder", "wsdecoder", "utf8", "aggregator", "lines", "handler")
                .doesNotContain(WebChannelInitializer.HTTP_IDLE, "idle", "rate");
        assertThat(ch.pipeline().names()).noneMatch(name -> name.startsWith("HttpServerCodec"));
        assertThat(member.active).as("joined the room").isTrue();

        ch.writeInbound(clientFrame("hello\nworld"));
        assertThat(member.lines).containsExactly("hello", "world");

        ch.writeAndFlush(Unpooled.copiedBuffer("alice@::1 : hi\n* bob left\n", UTF_8));
        assertThat(serverFrames(ch)).containsExactly("alice@::1 : hi", "* bob left");
        ch.finishAndReleaseAll();
    }

    @Test
    void theMemberHasTheIdleTimeoutAndTheRateLimitOfATcpClient() {
        EmbeddedChannel ch = channel(config().idleTimeout(Duration.ofSeconds(30)).rate(5).build());
        ch.writeInbound(Unpooled.copiedBuffer(upgrade(null), UTF_8));
        assertThat(readAll(ch)).startsWith("HTTP/1.1 101 ");
        assertThat(ch.pipeline().names()).containsSubsequence("lines", "idle", "rate", "handler");
        ch.finishAndReleaseAll();
    }

    @Test
    void anotherSitesPageIsRefusedUnlessAllowed() {
        EmbeddedChannel evil = channel(config().build());
        evil.writeInbound(Unpooled.copiedBuffer(upgrade("http://evil.example"), UTF_8));
        assertThat(readAll(evil)).startsWith("HTTP/1.1 403 Forbidden\r\n");
        assertThat(evil.isOpen()).isFalse();
        assertThat(member.active).isFalse();

        EmbeddedChannel allowed = channel(config().httpAllowOrigin("http://Evil.Example:80").build());
        allowed.writeInbound(Unpooled.copiedBuffer(upgrade("http://evil.example"), UTF_8));
        assertThat(readAll(allowed)).startsWith("HTTP/1.1 101 ");
        allowed.finishAndReleaseAll();
    }

    @Test
    void aMalformedHandshakeIsABadRequestAndNoMember() {
        EmbeddedChannel ch = channel(config().build());
        ch.writeInbound(Unpooled.copiedBuffer(upgrade(null).replace("Sec-WebSocket-Key: " + KEY + "\r\n", ""), UTF_8));
        assertThat(readAll(ch)).startsWith("HTTP/1.1 400 Bad Request\r\n").contains("bad WebSocket handshake");
        assertThat(ch.isOpen()).isFalse();
        assertThat(member.active).isFalse();
        EmbeddedChannel old = channel(config().build());
        old.writeInbound(Unpooled.copiedBuffer(upgrade(null).replace("Version: 13", "Version: 99"), UTF_8));
        assertThat(readAll(old)).startsWith("HTTP/1.1 426 Upgrade Required\r\n")
                .containsIgnoringCase("sec-websocket-version: 13");
        assertThat(member.active).isFalse();
        old.finishAndReleaseAll();
    }

    @Test
    void theFilesAreServedWithTheirTypeAndPolicyAndRevalidated() {
        EmbeddedChannel ch = channel(config().maxLineLength(512).build());
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\n\r\n", UTF_8));
        String page = readAll(ch);
        assertThat(page).startsWith("HTTP/1.1 200 OK\r\n")
                .containsIgnoringCase("content-security-policy: " + WebRequestHandler.CONTENT_SECURITY_POLICY)
                .contains("data-max-line=\"512\" data-relay=\"true\"");
        String etag = page.replaceAll("(?s).*etag: (\"[0-9a-f]+\").*", "$1");
        ch.writeInbound(Unpooled.copiedBuffer("GET / HTTP/1.1\r\nHost: x\r\nIf-None-Match: " + etag + "\r\n\r\n", UTF_8));
        assertThat(readAll(ch)).startsWith("HTTP/1.1 304 Not Modified\r\n");
        ch.writeInbound(Unpooled.copiedBuffer("HEAD /chat.css HTTP/1.1\r\nHost: x\r\n\r\n", UTF_8));
        assertThat(readAll(ch)).startsWith("HTTP/1.1 200 OK\r\n").containsIgnoringCase("content-type: text/css")
                .endsWith("\r\n\r\n");
        ch.writeInbound(Unpooled.copiedBuffer("GET /chat.js/../../../etc/passwd HTTP/1.1\r\nHost: x\r\n\r\n", UTF_8));
        assertThat(readAll(ch)).startsWith("HTTP/1.1 404 Not Found\r\n");
        assertThat(ch.isOpen()).as("kept alive").isTrue();
        ch.finishAndReleaseAll();
    }

    private static ByteBuf clientFrame(String text) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameEncoder(true));
        client.writeOutbound(new TextWebSocketFrame(text));
        return client.readOutbound();
    }

    private static List<String> serverFrames(EmbeddedChannel ch) {
        EmbeddedChannel client = new EmbeddedChannel(new WebSocket13FrameDecoder(false, false, 1 << 16));
        ByteBuf bytes;
        while ((bytes = ch.readOutbound()) != null) {
            client.writeInbound(bytes);
        }
        List<String> texts = new ArrayList<>();
        TextWebSocketFrame frame;
        while ((frame = client.readInbound()) != null) {
            texts.add(frame.text());
            frame.release();
        }
        return texts;
    }

    private static String readAll(EmbeddedChannel ch) {
        StringBuilder out = new StringBuilder();
        ByteBuf buf;
        while ((buf = ch.readOutbound()) != null) {
            out.append(buf.toString(UTF_8));
            buf.release();
        }
        return out.toString();
    }

    /** Stands in for the TCP message handler: what a member's handler sees. */
    private static final class Recorder extends ChannelInboundHandlerAdapter {

        final List<String> lines = new ArrayList<>();
        boolean active;

        @Override
        public void channelActive(ChannelHandlerContext ctx) {
            active = true;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            lines.add((String) msg);
        }
    }
}
