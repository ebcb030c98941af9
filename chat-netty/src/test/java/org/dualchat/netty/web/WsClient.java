package org.dualchat.netty.web;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.websocketx.BinaryWebSocketFrame;
import io.netty.handler.codec.http.websocketx.CloseWebSocketFrame;
import io.netty.handler.codec.http.websocketx.PongWebSocketFrame;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshaker;
import io.netty.handler.codec.http.websocketx.WebSocketClientHandshakerFactory;
import io.netty.handler.codec.http.websocketx.WebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketVersion;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A WebSocket client for the tests, on Netty's own {@link WebSocketClientHandshaker}: connects to a
 * server's {@code /ws}, sends text or binary frames, and keeps what it receives (text lines, the close
 * code) for the test to read.
 */
final class WsClient implements AutoCloseable {

    static final Duration WAIT = Duration.ofSeconds(10);
    /** What {@link #closeCode} gives for a connection that ended without a close frame. */
    static final int NO_CLOSE_FRAME = -1;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closeCode = new CompletableFuture<>();
    private final CompletableFuture<String> refusal = new CompletableFuture<>();
    private final CompletableFuture<Void> pong = new CompletableFuture<>();
    private Channel channel;

    private WsClient() {}

    /** Connects and completes the handshake; {@code origin} may be {@code null} (no header). */
    static WsClient connect(InetSocketAddress server, boolean tls, String origin) throws Exception {
        return connect(server, tls, origin, 0);
    }

    /** @param receiveBuffer the socket's receive buffer, for a client that falls behind soon; 0 for the default */
    static WsClient connect(InetSocketAddress server, boolean tls, String origin, int receiveBuffer) throws Exception {
        WsClient client = new WsClient();
        try {
            client.open(server, tls, origin, receiveBuffer);
            return client;
        } catch (Exception | AssertionError e) {
            client.close();
            throw e;
        }
    }

    /** Tries the handshake, which the server refuses: the HTTP response it gave instead (status, body). */
    static String refused(InetSocketAddress server, String origin) throws Exception {
        try (WsClient client = new WsClient()) {
            try {
                client.open(server, false, origin, 0);
            } catch (Exception expected) {
                return client.refusal.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
            }
            throw new AssertionError("the handshake succeeded");
        }
    }

    private void open(InetSocketAddress server, boolean tls, String origin, int receiveBuffer) throws Exception {
        String host = "127.0.0.1:" + server.getPort();
        URI uri = URI.create((tls ? "wss://" : "ws://") + host + "/ws");
        HttpHeaders headers = new DefaultHttpHeaders();
        if (origin != null) {
            headers.set(HttpHeaderNames.ORIGIN, origin);
        }
        // Netty's client adds an Origin of its own unless told otherwise: only the test's header is sent.
        WebSocketClientHandshaker handshaker = WebSocketClientHandshakerFactory.newHandshaker(
                uri, WebSocketVersion.V13, null, false, headers, 1 << 20, true, false, -1, false, false);
        SslContext ssl = tls
                ? SslContextBuilder.forClient().trustManager(InsecureTrustManagerFactory.INSTANCE).build() : null;
        CompletableFuture<Void> handshaken = new CompletableFuture<>();
        Bootstrap bootstrap = new Bootstrap().group(group).channel(NioSocketChannel.class);
        if (receiveBuffer > 0) {
            bootstrap.option(ChannelOption.SO_RCVBUF, receiveBuffer);
        }
        channel = bootstrap
                .handler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        if (ssl != null) {
                            ch.pipeline().addLast(ssl.newHandler(ch.alloc(), "127.0.0.1", server.getPort()));
                        }
                        ch.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(1 << 16),
                                new Receiver(handshaker, handshaken));
                    }
                })
                .connect(new InetSocketAddress("127.0.0.1", server.getPort())).sync().channel();
        // On the channel's loop: the request's write completes there, and the handshaker puts its encoder in,
        // before the loop can read the server's answer and take the HTTP codec out. Started from another thread,
        // the write's listener could run after that, and fail the handshake ("does not contain an
        // HttpRequestEncoder or HttpClientCodec").
        Channel ch = channel;
        ch.eventLoop().submit(() -> handshaker.handshake(ch)).get(WAIT.toMillis(), TimeUnit.MILLISECONDS).sync();
        handshaken.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    void send(String text) {
        channel.writeAndFlush(new TextWebSocketFrame(text)).syncUninterruptibly();
    }

    void sendBinary(byte[] bytes) {
        channel.writeAndFlush(new BinaryWebSocketFrame(Unpooled.wrappedBuffer(bytes))).syncUninterruptibly();
    }

    void send(WebSocketFrame frame) {
        channel.writeAndFlush(frame).syncUninterruptibly();
    }

    /** The next text frame, or {@code null} if none comes within the wait. */
    String poll(Duration wait) throws InterruptedException {
        return lines.poll(wait.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** The next text frame; fails if none comes. */
    String next() throws InterruptedException {
        String line = poll(WAIT);
        if (line == null) {
            throw new AssertionError("no line within " + WAIT);
        }
        return line;
    }

    /** The next text frame that is not a join or leave notice. */
    String nextMessage() throws InterruptedException {
        String line;
        do {
            line = next();
        } while (line.startsWith("* ") && (line.endsWith(" joined") || line.contains(" left")));
        return line;
    }

    /** The close code the server sent, once the connection has ended; {@link #NO_CLOSE_FRAME} without one. */
    int closeCode() throws Exception {
        return closeCode.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
    }

    boolean ponged() throws Exception {
        pong.get(WAIT.toMillis(), TimeUnit.MILLISECONDS);
        return true;
    }

    /** Stops reading from the socket, as a browser tab that is stuck would. */
    void pause() {
        channel.config().setAutoRead(false);
    }

    void resume() {
        channel.config().setAutoRead(true);
    }

    int localPort() {
        return ((InetSocketAddress) channel.localAddress()).getPort();
    }

    boolean isOpen() {
        return channel.isActive();
    }

    @Override
    public void close() throws Exception {
        if (channel != null) {
            channel.close().sync();
        }
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).sync();
    }

    private final class Receiver extends SimpleChannelInboundHandler<Object> {

        private final WebSocketClientHandshaker handshaker;
        private final CompletableFuture<Void> handshaken;
        private int code = NO_CLOSE_FRAME;

        Receiver(WebSocketClientHandshaker handshaker, CompletableFuture<Void> handshaken) {
            this.handshaker = handshaker;
            this.handshaken = handshaken;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, Object msg) {
            if (!handshaker.isHandshakeComplete()) {
                FullHttpResponse response = (FullHttpResponse) msg;
                try {
                    handshaker.finishHandshake(ctx.channel(), response);
                    handshaken.complete(null);
                } catch (RuntimeException e) {
                    refusal.complete(response.status().code() + " "
                            + response.content().toString(StandardCharsets.UTF_8).trim());
                    handshaken.completeExceptionally(e);
                }
                return;
            }
            if (msg instanceof TextWebSocketFrame) {
                lines.add(((TextWebSocketFrame) msg).text());
            } else if (msg instanceof CloseWebSocketFrame) {
                code = ((CloseWebSocketFrame) msg).statusCode();
            } else if (msg instanceof PongWebSocketFrame) {
                pong.complete(null);
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            handshaken.completeExceptionally(new IllegalStateException("closed before the handshake completed"));
            closeCode.complete(code);
            ctx.fireChannelInactive();
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            handshaken.completeExceptionally(cause);
            ctx.close();
        }
    }
}
