package org.dualchat.netty.limit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.util.List;
import org.dualchat.netty.testing.PeerChannel;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

@Timeout(10)
class SubnetTest {

    private static InetSocketAddress at(String ip) {
        return new InetSocketAddress(ip, 1234);
    }

    @Test
    void parsesIpv4AndIpv6BlocksAndSingleAddresses() {
        assertThat(Subnet.parse("192.0.2.0/24").toString()).isEqualTo("192.0.2.0/24");
        assertThat(Subnet.parse("192.0.2.7").toString()).isEqualTo("192.0.2.7/32");
        assertThat(Subnet.parse("2001:DB8:0::/32").toString()).isEqualTo("2001:db8::/32");
        assertThat(Subnet.parse("::1").toString()).isEqualTo("::1/128");
        assertThat(Subnet.parse("0.0.0.0/0").toString()).isEqualTo("0.0.0.0/0");
    }

    @Test
    void anIpv4MappedBlockMeansTheIpv4BlockItStandsFor() {
        assertThat(Subnet.parse("::ffff:10.0.0.0/104").toString()).isEqualTo("10.0.0.0/8");
        assertThat(Subnet.parse("::ffff:192.0.2.1").toString()).isEqualTo("192.0.2.1/32");
    }

    @ParameterizedTest
    @ValueSource(strings = {"10.0.0.0/33", "::/129", "10.0.0.0/", "10.0.0/8", "10.0.0.0/-1", "10.0.0.0/8/8",
        "10.0.0.0/+8", "localhost", "example.com", "fe80::1%eth0", "", "::ffff:10.0.0.0/95", "10.0.0.0/0008"})
    void rejectsWhatIsNotABlockWithoutLookingItUp(String text) {
        assertThatThrownBy(() -> Subnet.parse(text))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage(text + " (expected: an IP address or a CIDR block, such as 192.0.2.0/24 or 2001:db8::/32)");
    }

    @Test
    void matchesTheAddressesInTheBlockOnly() {
        Subnet v4 = Subnet.parse("192.0.2.0/24");
        assertThat(v4.matches(at("192.0.2.0"))).isTrue();
        assertThat(v4.matches(at("192.0.2.255"))).isTrue();
        assertThat(v4.matches(at("192.0.3.0"))).isFalse();
        assertThat(v4.matches(at("2001:db8::1"))).isFalse();

        Subnet v6 = Subnet.parse("2001:db8::/32");
        assertThat(v6.matches(at("2001:db8:ffff::1"))).isTrue();
        assertThat(v6.matches(at("2001:db9::1"))).isFalse();
        assertThat(v6.matches(at("192.0.2.1"))).isFalse();
    }

    @Test
    void accessListDenyWinsAndAnyAllowShutsOutTheRest() {
        AccessList open = new AccessList(subnets(), subnets());
        assertThat(open.restricts()).isFalse();
        assertThat(open.permits(at("203.0.113.9"))).isTrue();

        AccessList denyOnly = new AccessList(subnets(), subnets("203.0.113.0/24"));
        assertThat(denyOnly.permits(at("203.0.113.9"))).isFalse();
        assertThat(denyOnly.permits(at("198.51.100.1"))).isTrue();

        AccessList both = new AccessList(subnets("10.0.0.0/8", "2001:db8::/32"), subnets("10.1.0.0/16"));
        assertThat(both.restricts()).isTrue();
        assertThat(both.permits(at("10.2.3.4"))).isTrue();
        assertThat(both.permits(at("10.1.2.3"))).as("denied inside an allowed block").isFalse();
        assertThat(both.permits(at("2001:db8::7"))).isTrue();
        assertThat(both.permits(at("192.0.2.1"))).as("not allowed").isFalse();
        assertThat(both.permits(at("::1"))).isFalse();
    }

    @Test
    void anIpv4PeerOnADualStackSocketMatchesIpv4Rules() {
        AccessList list = new AccessList(subnets("127.0.0.0/8"), subnets("127.0.0.2"));
        assertThat(list.permits(PeerChannel.mapped("127.0.0.1", 5000))).isTrue();
        assertThat(list.permits(PeerChannel.mapped("127.0.0.2", 5000))).isFalse();
        assertThat(list.permits(PeerChannel.mapped("10.0.0.1", 5000))).isFalse();
        assertThat(PeerChannel.mapped("127.0.0.2", 5000).getAddress().getClass().getSimpleName())
                .as("the test really feeds a mapped IPv6 address").isEqualTo("Inet6Address");
    }

    private static List<Subnet> subnets(String... cidrs) {
        return java.util.Arrays.stream(cidrs).map(Subnet::parse).toList();
    }
}
