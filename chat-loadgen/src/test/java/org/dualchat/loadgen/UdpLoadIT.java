package org.dualchat.loadgen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.common.Transport;
import org.dualchat.netty.common.TransportType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code bench udp}'s datagrams as a receiver of its own sees them, on loopback: one line each, whether they
 * left one per send or many to a segmented send that the kernel cut.
 */
@Timeout(60)
class UdpLoadIT {

    private static final int SIZE = 100;

    /** Whether this machine sends segmented: epoll and a kernel with UDP_SEGMENT. */
    private static boolean segmentsHere() {
        return Epoll.isAvailable() && EpollDatagramChannel.isSegmentedDatagramPacketSupported();
    }

    /**
     * At full speed one sender sends 500 datagrams: 7 sends of 64 and one of 52 when segmented (and few enough
     * to wait in a receive buffer of the kernel's default size). At 20,000/s from 2 senders, paced, each send
     * carries the few that are due.
     */
    @ParameterizedTest
    @CsvSource({"true, 0", "true, 20000", "false, 0", "false, 20000"})
    void everyDatagramIsOneWholeLine(boolean segmented, long rate) throws Exception {
        int count = rate == 0 ? 500 : 2_001;
        int senders = rate == 0 ? 1 : 2;
        try (DatagramChannel receiver = DatagramChannel.open()) {
            receiver.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            receiver.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) receiver.getLocalAddress()).getPort();
            CompletableFuture<List<String>> received =
                    CompletableFuture.supplyAsync(() -> receive(receiver, count, Duration.ofSeconds(5)));
            LoadSpec spec = new LoadSpec("127.0.0.1", port, rate, SIZE, senders, count, Duration.ofSeconds(30),
                    TransportType.AUTO, 0);

            LoadResult result = UdpLoad.run(spec, ReceivedCounter.NONE, Duration.ofMillis(100),
                    Duration.ofSeconds(1), segmented);

            assertThat(result.sent()).isEqualTo(count);
            assertThat(result.errors()).isZero();
            assertThat(result.transport()).isEqualTo(
                    segmented && segmentsHere() ? "epoll+gso" : Epoll.isAvailable() ? "epoll" : "nio");
            assertThat(received.get(30, TimeUnit.SECONDS)).hasSize(count)
                    .allSatisfy(d -> assertThat(d).matches("[a-zA-Z0-9]{" + SIZE + "}\n"));
        }
    }

    @Test
    void segmentedSendsCarryAtMostWhatOneDatagramHolds() {
        assertThat(UdpLoad.segmentsPerSend(Transport.of(TransportType.NIO), 64, 64, true))
                .isEqualTo(1);
        assumeTrue(segmentsHere(), "no epoll with UDP_SEGMENT here");
        Transport epoll = Transport.of(TransportType.EPOLL);
        assertThat(UdpLoad.segmentsPerSend(epoll, 64, 64, true)).isEqualTo(64);
        assertThat(UdpLoad.segmentsPerSend(epoll, 64, 16, true)).as("no more than a batch").isEqualTo(16);
        assertThat(UdpLoad.segmentsPerSend(epoll, 2_000, 64, true)).as("65,507 bytes at most").isEqualTo(32);
        assertThat(UdpLoad.segmentsPerSend(epoll, 40_000, 64, true)).as("one datagram alone").isEqualTo(1);
        // To another host a segment larger than the path's MTU is refused (EINVAL), not fragmented.
        assertThat(UdpLoad.segmentsPerSend(epoll, 1_451, 64, false)).isEqualTo(45);
        assertThat(UdpLoad.segmentsPerSend(epoll, 1_452, 64, false)).isEqualTo(1);
        assertThat(UdpLoad.segmentsPerSend(epoll, 64, 64, false)).isEqualTo(64);
    }

    /**
     * The datagrams that arrive, read while they are sent, until {@code count} have or none came for
     * {@code quiet}.
     */
    private static List<String> receive(DatagramChannel receiver, int count, Duration quiet) {
        List<String> datagrams = new ArrayList<>();
        try {
            receiver.configureBlocking(false);
            ByteBuffer buf = ByteBuffer.allocate(65_536);
            long lastNanos = System.nanoTime();
            while (datagrams.size() < count && System.nanoTime() - lastNanos < quiet.toNanos()) {
                buf.clear();
                if (receiver.receive(buf) == null) {
                    Thread.sleep(0, 200_000);
                    continue;
                }
                buf.flip();
                datagrams.add(StandardCharsets.US_ASCII.decode(buf).toString());
                lastNanos = System.nanoTime();
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException("receiving: " + e, e);
        }
        return datagrams;
    }
}
