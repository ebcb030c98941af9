package org.dualchat.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.netty.common.Transport;
import org.dualchat.netty.common.TransportType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

    @ParameterizedTest
    @ValueSource(booleans = {true, false})
    void everyDatagramIsOneWholeLine(boolean segmented) throws Exception {
        try (DatagramChannel receiver = DatagramChannel.open()) {
            receiver.setOption(StandardSocketOptions.SO_RCVBUF, 4 << 20);
            receiver.bind(new InetSocketAddress("127.0.0.1", 0));
            int port = ((InetSocketAddress) receiver.getLocalAddress()).getPort();
            // 2,001 over 2 senders at a rate: the pacing sends a few at a time, so that sends of 1 to 64
            // datagrams (a plain one, partial and full segmented ones) all occur, well within the receive buffer.
            LoadSpec spec = new LoadSpec("127.0.0.1", port, 20_000, SIZE, 2, 2_001, Duration.ofSeconds(30),
                    TransportType.AUTO, 0);

            LoadResult result = UdpLoad.run(spec, ReceivedCounter.NONE, Duration.ofMillis(100),
                    Duration.ofSeconds(1), segmented);

            assertThat(result.sent()).isEqualTo(2_001);
            assertThat(result.errors()).isZero();
            assertThat(result.transport()).isEqualTo(
                    segmented && segmentsHere() ? "epoll+gso" : Epoll.isAvailable() ? "epoll" : "nio");
            List<String> datagrams = receive(receiver, 2_001, Duration.ofSeconds(10));
            assertThat(datagrams).hasSize(2_001)
                    .allSatisfy(d -> assertThat(d).matches("[a-zA-Z0-9]{" + SIZE + "}\n"));
        }
    }

    @Test
    void segmentedSendsCarryAtMostWhatOneDatagramHolds() {
        if (!segmentsHere()) {
            return; // nothing is segmented here: segmentsPerSend is 1 for any size, as the test above checks
        }
        Transport epoll = Transport.of(TransportType.EPOLL);
        assertThat(UdpLoad.segmentsPerSend(epoll, 64, 64, true)).isEqualTo(64);
        assertThat(UdpLoad.segmentsPerSend(epoll, 64, 16, true)).as("no more than a batch").isEqualTo(16);
        assertThat(UdpLoad.segmentsPerSend(epoll, 2_000, 64, true)).as("65,507 bytes at most").isEqualTo(32);
        assertThat(UdpLoad.segmentsPerSend(epoll, 40_000, 64, true)).as("one datagram alone").isEqualTo(1);
        assertThat(UdpLoad.segmentsPerSend(Transport.of(TransportType.NIO), 64, 64, true))
                .isEqualTo(1);
        // To another host a segment larger than the path's MTU is refused (EINVAL), not fragmented.
        assertThat(UdpLoad.segmentsPerSend(epoll, 1_451, 64, false)).isEqualTo(45);
        assertThat(UdpLoad.segmentsPerSend(epoll, 1_452, 64, false)).isEqualTo(1);
        assertThat(UdpLoad.segmentsPerSend(epoll, 64, 64, false)).isEqualTo(64);
    }

    /** The datagrams that arrive, until {@code count} have or none came for {@code quiet}. */
    private static List<String> receive(DatagramChannel receiver, int count, Duration quiet) throws Exception {
        receiver.configureBlocking(false);
        List<String> datagrams = new ArrayList<>();
        ByteBuffer buf = ByteBuffer.allocate(65_536);
        long lastNanos = System.nanoTime();
        while (datagrams.size() < count && System.nanoTime() - lastNanos < quiet.toNanos()) {
            buf.clear();
            if (receiver.receive(buf) == null) {
                Thread.sleep(1);
                continue;
            }
            buf.flip();
            datagrams.add(StandardCharsets.US_ASCII.decode(buf).toString());
            lastNanos = System.nanoTime();
        }
        return datagrams;
    }
}
