package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.epoll.Epoll;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.netty.common.TransportType;
import org.dualchat.netty.testing.LineCollector;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A burst of datagrams of mixed sizes, up to the largest UDP payload, read in batches (recvmmsg on
 * epoll): every one arrives whole and in order.
 */
@Timeout(60)
class UdpBatchedReceiveIT {

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"EPOLL", "NIO"})
    void aBurstOfMixedSizesArrivesWholeAndInOrder(TransportType transport) throws Exception {
        assumeTrue(transport != TransportType.EPOLL || Epoll.isAvailable(), "no epoll here");
        LineCollector out = servers.out();
        List<String> sent = new ArrayList<>();
        ChatServer server = servers.start(config -> config.transport(transport));
        try (DatagramSocket socket = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
            // 160 datagrams, 40 of the largest size: about 2.7 MB, well inside the default receive buffer, sent
            // back to back so that the server finds many waiting at once: more than two recvmmsg calls' worth.
            int[] sizes = {5, 65_507, 1_000, 64};
            for (int i = 0; i < 160; i++) {
                String head = "d" + i + " ";
                String text = head + "x".repeat(sizes[i % sizes.length] - head.length());
                sent.add("127.0.0.1 : " + text);
                byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
                socket.send(new DatagramPacket(bytes, bytes.length, server.udpAddress().getAddress().isAnyLocalAddress()
                        ? InetAddress.getLoopbackAddress() : server.udpAddress().getAddress(),
                        server.udpAddress().getPort()));
            }
            List<String> lines = out.awaitCount(sent.size(), Duration.ofSeconds(20));
            assertThat(lines).containsExactlyElementsOf(sent);
            assertThat(lines.get(1)).hasSize("127.0.0.1 : ".length() + 65_507);
        }
    }
}
