package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.Epoll;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import org.dualchat.netty.common.TransportType;
import org.dualchat.netty.testing.ServerExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A UDP receive buffer asked for past {@code net.core.rmem_max} is granted whole on epoll when the process
 * may pass the cap ({@code CAP_NET_ADMIN}, as rsyslog run as root does with {@code SO_RCVBUFFORCE}).
 */
@Timeout(30)
class UdpReceiveBufferIT {

    /** CAP_NET_ADMIN's bit in the capability masks of /proc/self/status. */
    private static final int CAP_NET_ADMIN = 12;

    @RegisterExtension
    final ServerExtension servers = new ServerExtension();

    @Test
    void aBufferPastTheKernelsCapIsForcedWhenTheProcessMay() throws Exception {
        assumeTrue(Epoll.isAvailable(), "no epoll here");
        Path rmemMax = Path.of("/proc/sys/net/core/rmem_max");
        assumeTrue(Files.isReadable(rmemMax), "no net.core.rmem_max here");
        assumeTrue(hasNetAdmin(), "this process may not pass net.core.rmem_max");
        // Files.readString reads procfs short (its size says 0): read it by lines.
        int cap = Integer.parseInt(Files.readAllLines(rmemMax).get(0).trim());
        int asked = (int) Math.min(Integer.MAX_VALUE / 4, 2L * cap);

        ChatServer server = servers.start(config -> config.transport(TransportType.EPOLL).udpReceiveBuffer(asked));

        // Linux reports twice what was set; without SO_RCVBUFFORCE this would be 2 x cap, half of this.
        assertThat(server.udpChannel().config().getOption(ChannelOption.SO_RCVBUF)).isEqualTo(2 * asked);
    }

    private static boolean hasNetAdmin() throws Exception {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("CapEff:")) {
                return new BigInteger(line.substring("CapEff:".length()).trim(), 16).testBit(CAP_NET_ADMIN);
            }
        }
        return false;
    }
}
