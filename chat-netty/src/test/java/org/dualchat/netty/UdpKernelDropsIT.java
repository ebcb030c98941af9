package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.Channel;
import io.netty.channel.epoll.Epoll;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.dualchat.netty.common.TransportType;
import org.dualchat.netty.stats.StatsView;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Datagrams the kernel drops because the server's receive buffer is full show in the server's own counts:
 * with a tiny buffer and reads paused, every datagram sent is either read or counted as a kernel drop.
 */
@Timeout(60)
class UdpKernelDropsIT {

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"EPOLL", "NIO"})
    void whatTheKernelDropsIsCountedAndTheRestIsRead(TransportType transport) throws Exception {
        assumeTrue(transport != TransportType.EPOLL || Epoll.isAvailable(), "no epoll here");
        assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "no /proc/net/udp here (not Linux)");
        ChatServer server = servers.start(config -> config.transport(transport).udpReceiveBuffer(1024));
        StatsView stats = server.stats();
        Channel udp = server.udpChannel();
        udp.eventLoop().submit(() -> udp.config().setAutoRead(false)).get();

        int sent = 300;
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            byte[] text = ("x".repeat(500) + "\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            for (int i = 0; i < sent; i++) {
                socket.send(new DatagramPacket(text, text.length, InetAddress.getLoopbackAddress(),
                        server.udpAddress().getPort()));
            }
        }
        // A buffer of a few KB holds a handful of 501-byte datagrams: the kernel drops most of them. The server
        // reads the kernel's count once a second, from its report timer.
        long refreshBy = System.nanoTime() + Duration.ofSeconds(5).toNanos();
        while (stats.udpKernelDrops() <= sent / 2L && System.nanoTime() < refreshBy) {
            Thread.sleep(20);
        }
        assertThat(stats.udpKernelDrops()).isGreaterThan(sent / 2L);

        udp.eventLoop().submit(() -> udp.config().setAutoRead(true)).get();
        long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
        while (stats.datagrams() + stats.udpKernelDrops() < sent && System.nanoTime() < deadline) {
            Thread.sleep(20);
        }
        assertThat(stats.datagrams()).as("read once reads resumed").isPositive();
        assertThat(stats.datagrams() + stats.udpKernelDrops()).as("read + dropped by the kernel").isEqualTo(sent);
    }
}
