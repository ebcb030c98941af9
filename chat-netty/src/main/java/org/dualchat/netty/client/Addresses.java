package org.dualchat.netty.client;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Arrays;

/** Turns socket addresses into the text shown to the user: {@code 127.0.0.1}, {@code [::1]:2222}. */
final class Addresses {

    private Addresses() {}

    /** The IP alone, an IPv4-mapped IPv6 address shown as the IPv4 address it stands for. */
    static String printable(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            return address.getHostString();
        }
        if (ip instanceof Inet6Address) {
            byte[] bytes = ip.getAddress();
            if (isIpv4Mapped(bytes)) {
                return NetUtil.toAddressString(ipv4(Arrays.copyOfRange(bytes, 12, 16)));
            }
        }
        return NetUtil.toAddressString(ip);
    }

    /** The IP and port, the IP in brackets if it is IPv6. */
    static String withPort(InetSocketAddress address) {
        String ip = printable(address);
        return (ip.indexOf(':') >= 0 ? "[" + ip + "]" : ip) + ":" + address.getPort();
    }

    private static boolean isIpv4Mapped(byte[] bytes) {
        for (int i = 0; i < 10; i++) {
            if (bytes[i] != 0) {
                return false;
            }
        }
        return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
    }

    private static Inet4Address ipv4(byte[] bytes) {
        try {
            return (Inet4Address) InetAddress.getByAddress(bytes);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an IPv4 address", e);
        }
    }
}
