package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

class ListeningPortTest {

    @Test
    void aPortIsBoundByEnoughSocketsForItsConnectionLimitAndATenthMoreUpToSixteen() {
        assertThat(ListeningPort.socketsFor(4096, 4096, true)).as("the default limit and somaxconn").isEqualTo(1);
        assertThat(ListeningPort.socketsFor(100, 4096, true)).isEqualTo(1);
        assertThat(ListeningPort.socketsFor(4097, 4096, true)).isEqualTo(2);
        assertThat(ListeningPort.socketsFor(10_000, 4096, true)).isEqualTo(3);
        // The kernel's hash spreads a crowd unevenly: two queues for exactly twice one would overflow.
        assertThat(ListeningPort.socketsFor(8192, 4096, true)).isEqualTo(3);
        assertThat(ListeningPort.socketsFor(7400, 4096, true)).isEqualTo(2);
        assertThat(ListeningPort.socketsFor(256, 64, true)).isEqualTo(5);
        assertThat(ListeningPort.socketsFor(Integer.MAX_VALUE, 4096, true)).isEqualTo(ListeningPort.MAX_SOCKETS);
    }

    @Test
    void withoutReusePortOrWithoutAQueueLengthAPortIsOneSocket() {
        assertThat(ListeningPort.socketsFor(10_000, 4096, false)).isEqualTo(1);
        assertThat(ListeningPort.socketsFor(10_000, 0, true)).isEqualTo(1);
    }

    /** Whether a connect to {@code port} on loopback is refused within {@code millis}. */
    private static boolean refusedWithin(int port, long millis) throws Exception {
        long end = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        do {
            try (Socket probe = new Socket(InetAddress.getLoopbackAddress(), port)) {
                Thread.sleep(20);
            } catch (ConnectException refused) {
                return true;
            }
        } while (System.nanoTime() - end < 0);
        return false;
    }

    /**
     * A socket after the first that cannot be bound: the error names the port, and the sockets already bound are
     * closed: nothing listens on the port any more. (NIO has no SO_REUSEPORT, so its second socket on the port
     * the first one got fails.)
     */
    @Test
    @Timeout(30)
    void aLaterSocketThatCannotBeBoundLeavesNothingListening() throws Exception {
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        try {
            ServerBootstrap bootstrap = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInboundHandlerAdapter());
            InetSocketAddress anyPort = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);
            Throwable failure = catchThrowable(() -> ListeningPort.bind("TCP", bootstrap, anyPort, 200, 64, true));
            assertThat(failure).isInstanceOf(IOException.class)
                    .hasMessageMatching("TCP 127\\.0\\.0\\.1:\\d+: Address already in use");
            int port = Integer.parseInt(failure.getMessage().replaceAll("^TCP 127\\.0\\.0\\.1:(\\d+):.*", "$1"));
            assertThat(bootstrap.config().handler()).as("the caller's bootstrap is left as it was").isNull();
            // NIO closes a socket registered with a selector at the selector's next pass, after the close's
            // future is done: the port may still listen for a moment.
            assertThat(refusedWithin(port, 5_000)).as("nothing listens on " + port + " within 5 s").isTrue();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }
}
