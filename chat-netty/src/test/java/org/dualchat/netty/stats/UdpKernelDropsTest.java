package org.dualchat.netty.stats;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The kernel's drops for one bound address, read from the kernel's table of UDP sockets. */
@Timeout(20)
class UdpKernelDropsTest {

    private static final String HEADER = "   sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
            + "   uid  timeout inode ref pointer drops";

    @Test
    void aSocketNobodyReadsCountsWhatItsFullBufferDropped() throws Exception {
        assumeTrue(Files.isReadable(Path.of("/proc/net/udp")), "no /proc/net/udp here (not Linux)");
        try (DatagramChannel unread = DatagramChannel.open();
                DatagramChannel other = DatagramChannel.open();
                DatagramChannel sender = DatagramChannel.open()) {
            unread.setOption(StandardSocketOptions.SO_RCVBUF, 1024);
            unread.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            other.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
            InetSocketAddress target = (InetSocketAddress) unread.getLocalAddress();
            UdpKernelDrops drops = UdpKernelDrops.of(target);
            UdpKernelDrops otherDrops = UdpKernelDrops.of((InetSocketAddress) other.getLocalAddress());
            assertThat(drops.refresh()).isZero();

            int sent = 200;
            for (int i = 0; i < sent; i++) {
                sender.send(ByteBuffer.wrap(new byte[512]), target);
            }
            // A 1 KB buffer (the kernel grants a few KB) holds a handful of 512-byte datagrams: the rest dropped.
            assertThat(drops.getAsLong()).as("nothing read before a refresh").isZero();
            long counted = drops.refresh();
            assertThat(counted).isBetween(sent / 2L, (long) sent);
            assertThat(drops.getAsLong()).as("the refreshed count, served from memory").isEqualTo(counted);
            assertThat(otherDrops.refresh()).as("another socket's drops").isZero();
        }
    }

    @Test
    void sumsTheSocketsOnTheAddressAndNeverGoesDown(@TempDir Path dir) throws Exception {
        Path udp = dir.resolve("udp");
        Path udp6 = dir.resolve("udp6");
        String loopback = hex(127, 0, 0, 1);
        Files.write(udp, List.of(HEADER,
                row(0, loopback + ":04D2", 5), // 127.0.0.1:1234
                row(1, loopback + ":04D2", 7), // a second socket on it (SO_REUSEPORT)
                row(2, loopback + ":04D3", 100), // another port
                row(3, hex(10, 0, 0, 1) + ":04D2", 1000))); // another address, same port
        Files.write(udp6, List.of(HEADER));
        UdpKernelDrops drops = new UdpKernelDrops(new InetSocketAddress("127.0.0.1", 1234), List.of(udp, udp6));
        assertThat(drops.refresh()).isEqualTo(12);

        UdpKernelDrops any = new UdpKernelDrops(new InetSocketAddress(1234), List.of(udp, udp6));
        assertThat(any.refresh()).as("a wildcard bind matches every address").isEqualTo(1012);

        Files.write(udp, List.of(HEADER, row(0, loopback + ":04D2", 3)));
        assertThat(drops.refresh()).as("a closed socket keeps what it counted").isEqualTo(12);
        Files.delete(udp);
        assertThat(drops.refresh()).as("no table").isEqualTo(12);
        assertThat(drops.getAsLong()).isEqualTo(12);
    }

    private static String row(int sl, String local, long drops) {
        return String.format("%5d: %s 00000000:0000 07 00000000:00000000 00:00000000 00000000     0        0 %d 2 "
                + "0000000000000000 %d", sl, local, 1000 + sl, drops);
    }

    /** An IPv4 address as the kernel prints it: one 32-bit word in the machine's byte order. */
    private static String hex(int a, int b, int c, int d) {
        int word = ByteBuffer.wrap(new byte[] {(byte) a, (byte) b, (byte) c, (byte) d})
                .order(java.nio.ByteOrder.nativeOrder()).getInt();
        return String.format("%08X", word);
    }
}
