package org.dualchat.netty.limit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import org.dualchat.netty.stats.ServerStats.Drop;
import org.dualchat.netty.stats.ServerStats.Refusal;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.testing.EventRecorder;
import org.dualchat.netty.testing.PeerChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class AccessFilterTest {

    private final ServerStats stats = new ServerStats();
    private final AccessList access = new AccessList(subnets("10.0.0.0/8", "2001:db8::/32"), subnets("10.9.0.0/16"));

    @Test
    void aDeniedTcpPeerIsClosedAtAcceptUntoldAndCounted() {
        EventRecorder after = new EventRecorder();
        PeerChannel ch = PeerChannel.from("10.9.1.1", new AccessFilter(access, stats), after);
        assertThat(ch.isOpen()).isFalse();
        assertThat((Object) ch.readOutbound()).as("nothing said to a denied client").isNull();
        assertThat(stats.refused(Refusal.DENIED)).isEqualTo(1);
        assertThat(after.active).isFalse();
    }

    @Test
    void anAllowedTcpPeerPassesAndTheFilterStepsAside() {
        EventRecorder after = new EventRecorder();
        PeerChannel ch = PeerChannel.from("10.1.1.1", new AccessFilter(access, stats), after);
        assertThat(ch.isOpen()).isTrue();
        assertThat(after.active).isTrue();
        assertThat(ch.pipeline().get(AccessFilter.class)).isNull();
        assertThat(stats.refused(Refusal.DENIED)).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void anIpv4PeerSeenAsMappedIpv6IsJudgedByTheIpv4Rules() {
        PeerChannel denied = PeerChannel.from(PeerChannel.mapped("10.9.0.1", 4000), new AccessFilter(access, stats));
        assertThat(denied.isOpen()).isFalse();
        PeerChannel allowed = PeerChannel.from(PeerChannel.mapped("10.0.0.1", 4000), new AccessFilter(access, stats));
        assertThat(allowed.isOpen()).isTrue();
        assertThat(allowed.finish()).isFalse();
    }

    @Test
    void deniedDatagramsAreDroppedCountedAndReleased() {
        EmbeddedChannel ch = new EmbeddedChannel(new DatagramAccessFilter(access, stats));
        DatagramPacket denied = datagram("10.9.0.1", "no");
        DatagramPacket mappedDenied = new DatagramPacket(Unpooled.copiedBuffer("no", UTF_8),
                new InetSocketAddress("::1", 1234), PeerChannel.mapped("10.9.0.2", 5000));
        DatagramPacket allowed = datagram("2001:db8::5", "yes");
        assertThat(ch.writeInbound(denied, mappedDenied, allowed)).isTrue();

        DatagramPacket passed = ch.readInbound();
        assertThat(passed).isSameAs(allowed);
        passed.release();
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(denied.refCnt()).isZero();
        assertThat(mappedDenied.refCnt()).isZero();
        assertThat(stats.dropped(Drop.DENIED)).isEqualTo(2);
        assertThat(ch.finish()).isFalse();
    }

    static DatagramPacket datagram(String from, String text) {
        return new DatagramPacket(Unpooled.copiedBuffer(text, UTF_8),
                new InetSocketAddress("::1", 1234), new InetSocketAddress(from, 5000));
    }

    private static List<Subnet> subnets(String... cidrs) {
        return java.util.Arrays.stream(cidrs).map(Subnet::parse).toList();
    }
}
