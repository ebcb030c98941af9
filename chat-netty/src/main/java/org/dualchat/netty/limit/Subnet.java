package org.dualchat.netty.limit;

import io.netty.handler.ipfilter.IpFilterRuleType;
import io.netty.handler.ipfilter.IpSubnetFilterRule;
import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import org.dualchat.netty.common.Addresses;

/**
 * One block of addresses in CIDR notation ({@code 192.0.2.0/24}, {@code 2001:db8::/32}, or a single
 * address), as the access list's {@code --allow} and {@code --deny} take them. Matching is Netty's
 * {@link IpSubnetFilterRule}; parsing is ours, because that rule's string constructor would resolve a
 * host name through DNS, and an access list must mean exactly what was written.
 */
public final class Subnet {

    static final String EXPECTED =
            "expected: an IP address or a CIDR block, such as 192.0.2.0/24 or 2001:db8::/32";

    private static final int IPV4_MAPPED_PREFIX = 96;

    private final InetAddress network;
    private final int prefix;
    private final IpSubnetFilterRule rule;

    private Subnet(InetAddress network, int prefix) {
        this.network = network;
        this.prefix = prefix;
        this.rule = new IpSubnetFilterRule(network, prefix, IpFilterRuleType.ACCEPT);
    }

    /**
     * Parses {@code ADDRESS} or {@code ADDRESS/PREFIX}; an IPv4-mapped block ({@code ::ffff:10.0.0.0/104})
     * means the IPv4 block it stands for ({@code 10.0.0.0/8}).
     *
     * @throws IllegalArgumentException naming the text and what was expected
     */
    public static Subnet parse(String text) {
        int slash = text.indexOf('/');
        String address = slash < 0 ? text : text.substring(0, slash);
        // A zone (fe80::1%eth0) names an interface, not a source: no rule can mean it.
        InetAddress ip = address.indexOf('%') >= 0 ? null : NetUtil.createInetAddressFromIpAddressString(address);
        if (ip == null) {
            throw invalid(text);
        }
        boolean mapped = ip instanceof Inet4Address && address.indexOf(':') >= 0;
        int bits = ip instanceof Inet4Address && !mapped ? 32 : 128;
        int prefix = bits;
        if (slash >= 0) {
            prefix = parsePrefix(text.substring(slash + 1), bits, text);
        }
        InetAddress unmapped = Addresses.unmapped(ip);
        if (unmapped != ip || mapped) {
            if (prefix < IPV4_MAPPED_PREFIX) {
                throw invalid(text);
            }
            return new Subnet(unmapped, prefix - IPV4_MAPPED_PREFIX);
        }
        return new Subnet(ip, prefix);
    }

    /** Whether {@code source}, already unmapped, lies in this block. */
    boolean matches(InetSocketAddress source) {
        return rule.matches(source);
    }

    /** The block as written in canonical form, its host bits kept: {@code 192.0.2.7/24}. */
    @Override
    public String toString() {
        return NetUtil.toAddressString(network) + "/" + prefix;
    }

    private static int parsePrefix(String digits, int bits, String text) {
        if (digits.isEmpty() || digits.length() > 3) {
            throw invalid(text);
        }
        for (int i = 0; i < digits.length(); i++) {
            if (digits.charAt(i) < '0' || digits.charAt(i) > '9') {
                throw invalid(text);
            }
        }
        int prefix = Integer.parseInt(digits);
        if (prefix > bits) {
            throw invalid(text);
        }
        return prefix;
    }

    private static IllegalArgumentException invalid(String text) {
        return new IllegalArgumentException(text + " (" + EXPECTED + ")");
    }
}
