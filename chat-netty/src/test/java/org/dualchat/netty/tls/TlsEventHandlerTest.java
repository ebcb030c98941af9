package org.dualchat.netty.tls;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.DecoderException;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.dualchat.netty.TcpChannelInitializer;
import org.dualchat.netty.TcpMessageHandler;
import org.dualchat.netty.codec.LineFramer;
import org.dualchat.netty.common.HeldMessages;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.testing.ControlledSink;
import org.dualchat.netty.testing.LogCapture;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * A TLS client's server pipeline, as {@link TcpChannelInitializer} builds it, driven byte for byte by a
 * Netty TLS client in a second embedded channel: no sockets, no timing.
 */
@Timeout(30)
class TlsEventHandlerTest {

    private static ServerTls tls;

    private final ServerStats stats = new ServerStats();
    private final HandshakeFailures failures = new HandshakeFailures(stats);
    private final ControlledSink sink = ControlledSink.unbounded();

    @BeforeAll
    static void makeCertificate() throws IOException {
        tls = ServerTls.selfSigned();
    }

    private EmbeddedChannel server() {
        ChannelInitializer<Channel> pipeline = new ChannelInitializer<>() {
            @Override
            protected void initChannel(Channel ch) {
                boolean awaitStart = new TlsStage(tls, failures).addTo(ch.pipeline(), true);
                ch.pipeline()
                        .addLast("framer", new LineFramer(64, 0))
                        .addLast("decoder", new StringDecoder(UTF_8))
                        .addLast("handler", new TcpMessageHandler(
                                sink, "Server connected\n".getBytes(UTF_8), new HeldMessages(), null, awaitStart));
            }
        };
        return new EmbeddedChannel(pipeline) {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress("127.0.0.1", 40000);
            }
        };
    }

    private static EmbeddedChannel client(SslContext context) {
        return new EmbeddedChannel(context.newHandler(Unpooled.EMPTY_BUFFER.alloc(), "127.0.0.1", 2222));
    }

    private static SslContext trustingAnything() throws IOException {
        return SslContextBuilder.forClient().sslProvider(SslProvider.JDK)
                .trustManager(InsecureTrustManagerFactory.INSTANCE).endpointIdentificationAlgorithm(null).build();
    }

    /** Moves bytes both ways until neither side has anything more to say. */
    private static void pump(EmbeddedChannel client, EmbeddedChannel server) {
        for (int round = 0; round < 100; round++) {
            boolean moved = move(client, server, false) | move(server, client, true);
            client.runPendingTasks();
            server.runPendingTasks();
            if (!moved) {
                return;
            }
        }
        throw new AssertionError("the two sides kept talking");
    }

    /** @param mayFail whether {@code to} may rightly fail: a client that refuses the certificate */
    private static boolean move(EmbeddedChannel from, EmbeddedChannel to, boolean mayFail) {
        boolean moved = false;
        for (ByteBuf buf = from.readOutbound(); buf != null; buf = from.readOutbound()) {
            moved = true;
            if (!to.isOpen()) {
                buf.release();
                continue;
            }
            try {
                to.writeInbound(buf);
            } catch (DecoderException e) {
                if (!mayFail) {
                    throw e;
                }
            }
        }
        return moved;
    }

    /** What the client decrypted so far. */
    private static String received(EmbeddedChannel client) {
        StringBuilder text = new StringBuilder();
        for (ByteBuf buf = client.readInbound(); buf != null; buf = client.readInbound()) {
            text.append(buf.toString(UTF_8));
            buf.release();
        }
        return text.toString();
    }

    @Test
    void greetsOnceTheHandshakeIsDoneAndDeliversLines() throws Exception {
        EmbeddedChannel server = server();
        EmbeddedChannel client = client(trustingAnything());
        // The server speaks first only in TLS: the greeting waits inside the SslHandler.
        ByteBuf first = server.readOutbound();
        assertThat(first).as("nothing before the client hello").isNull();

        pump(client, server);
        assertThat(client.pipeline().get(SslHandler.class).handshakeFuture().isSuccess()).isTrue();
        assertThat(received(client)).isEqualTo("Server connected\n");

        client.writeAndFlush(Unpooled.copiedBuffer("hello\nsecond\n", UTF_8));
        pump(client, server);
        assertThat(sink.texts()).containsExactly("hello", "second");
        assertThat(server.isOpen()).isTrue();
        assertThat(failures.total()).isZero();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    @Test
    void closeNotifyAloneEndsTheConversationAndDeliversThePartialLine() throws Exception {
        EmbeddedChannel server = server();
        EmbeddedChannel client = client(trustingAnything());
        pump(client, server);
        received(client);

        client.writeAndFlush(Unpooled.copiedBuffer("no newline yet", UTF_8));
        client.pipeline().get(SslHandler.class).closeOutbound();
        // Only close_notify: the client's TCP stream stays open, as ncat and openssl may leave it.
        pump(client, server);
        assertThat(server.isOpen()).as("the server closed").isFalse();
        assertThat(sink.texts()).containsExactly("no newline yet");
        assertThat(failures.total()).isZero();
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    @Test
    void plainTextIsAFailedHandshakeClosedQuietlyAndCountedOnce() {
        try (LogCapture log = LogCapture.start()) {
            EmbeddedChannel server = server();
            server.writeInbound(Unpooled.copiedBuffer("hello in plain text\n", UTF_8));
            server.runPendingTasks();
            // Told so in one plain line, not with TLS alert bytes, and closed.
            ByteBuf told = server.readOutbound();
            assertThat(told.toString(UTF_8)).isEqualTo(new String(TlsDetector.TLS_ONLY, UTF_8));
            told.release();
            assertThat((Object) server.readOutbound()).isNull();
            assertThat(server.isOpen()).isFalse();
            assertThat(sink.texts()).isEmpty();
            assertThat(failures.total()).isEqualTo(1);
            assertThat(stats.tlsHandshakeFailures()).isEqualTo(1);
            server.checkException(); // nothing reached the end of the pipeline
            assertThat(log.warnings()).isEmpty();
            server.finishAndReleaseAll();
        }
    }

    @Test
    void aClientThatRefusesTheCertificateIsAFailedHandshake() throws Exception {
        EmbeddedChannel server = server();
        // The JDK's own trust store: it does not know a self-signed certificate.
        EmbeddedChannel client = client(SslContextBuilder.forClient().sslProvider(SslProvider.JDK).build());
        SslHandler clientTls = client.pipeline().get(SslHandler.class);
        try (LogCapture log = LogCapture.start()) {
            pump(client, server);
            assertThat(clientTls.handshakeFuture().isSuccess()).isFalse();
            assertThat(server.isOpen()).isFalse();
            assertThat(failures.total()).isEqualTo(1);
            assertThat(sink.texts()).isEmpty();
            assertThat(log.warnings()).isEmpty();
        }
        client.finishAndReleaseAll();
        server.finishAndReleaseAll();
    }

    @Test
    void failuresAreReportedInPlainWords() {
        assertThat(HandshakeFailures.reason(new io.netty.handler.ssl.NotSslRecordException("not an SSL/TLS record: 68656c6c6f")))
                .isEqualTo("not TLS (a plain TCP client on the TLS port?)");
        assertThat(HandshakeFailures.reason(new javax.net.ssl.SSLHandshakeException("x".repeat(500))))
                .hasSize(163).endsWith("...");
    }
}
