package org.dualchat.netty.limit;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetAddress;
import org.dualchat.netty.stats.ServerStats.Refusal;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.testing.EventRecorder;
import org.dualchat.netty.testing.PeerChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ConnectionLimiterTest {

    private final ServerStats stats = new ServerStats();
    private final ConnectionCounter counter = new ConnectionCounter(3, 2);

    private PeerChannel connect(String ip, EventRecorder after) {
        return PeerChannel.from(ip, new ConnectionLimiter(counter, stats), after);
    }

    private static String said(EmbeddedChannel ch) {
        ByteBuf line = ch.readOutbound();
        if (line == null) {
            return null;
        }
        try {
            return line.toString(UTF_8);
        } finally {
            line.release();
        }
    }

    @Test
    void admitsWithinTheLimitsAndPassesEverythingOn() {
        EventRecorder after = new EventRecorder();
        PeerChannel ch = connect("10.0.0.1", after);
        assertThat(after.active).isTrue();
        ch.writeInbound(Unpooled.copiedBuffer("hi", UTF_8));
        assertThat(after.reads).containsExactly("hi");
        assertThat(counter.total()).isEqualTo(1);
        ch.close();
        assertThat(after.inactive).isTrue();
        assertThat(counter.total()).isZero();
        assertThat(counter.sources()).as("no source is remembered once its connections are gone").isZero();
    }

    @Test
    void oneConnectionTooManyFromOneAddressIsToldWhyAndClosed() throws Exception {
        connect("10.0.0.1", new EventRecorder());
        connect("10.0.0.1", new EventRecorder());
        EventRecorder after = new EventRecorder();
        PeerChannel refused = connect("10.0.0.1", after);

        assertThat(said(refused)).isEqualTo("Too many connections from your address: 2 at most\n");
        assertThat((Object) refused.readOutbound()).isNull();
        assertThat(refused.isOpen()).isFalse();
        assertThat(after.active).as("not greeted").isFalse();
        assertThat(after.inactive).as("not logged as a disconnect").isFalse();
        assertThat(stats.refused(Refusal.PER_IP_LIMIT)).isEqualTo(1);
        assertThat(counter.from(InetAddress.getByName("10.0.0.1"))).isEqualTo(2);
        assertThat(counter.total()).isEqualTo(2);
    }

    @Test
    void anIpv4PeerIsOneSourceWhetherOrNotItIsSeenAsMappedIpv6() {
        connect("10.0.0.1", new EventRecorder());
        PeerChannel.from(PeerChannel.mapped("10.0.0.1", 4000), new ConnectionLimiter(counter, stats));
        PeerChannel third = PeerChannel.from(PeerChannel.mapped("10.0.0.1", 4001), new ConnectionLimiter(counter, stats));
        assertThat(said(third)).startsWith("Too many connections from your address");
        assertThat(stats.refused(Refusal.PER_IP_LIMIT)).isEqualTo(1);
    }

    @Test
    void aFullServerSaysSoAndTakesClientsAgainOnceOneLeaves() {
        PeerChannel first = connect("10.0.0.1", new EventRecorder());
        connect("10.0.0.2", new EventRecorder());
        connect("10.0.0.3", new EventRecorder());
        PeerChannel refused = connect("10.0.0.4", new EventRecorder());
        assertThat(said(refused)).isEqualTo("Server full: 3 connections, try again later\n");
        assertThat(refused.isOpen()).isFalse();
        assertThat(stats.refused(Refusal.TOTAL_LIMIT)).isEqualTo(1);
        assertThat(counter.total()).isEqualTo(3);

        first.close();
        EventRecorder after = new EventRecorder();
        PeerChannel admitted = connect("10.0.0.4", after);
        assertThat(admitted.isOpen()).isTrue();
        assertThat(after.active).isTrue();
        assertThat(said(admitted)).isNull();
    }
}
