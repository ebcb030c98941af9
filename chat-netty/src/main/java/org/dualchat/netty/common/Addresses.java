package org.dualchat.netty.common;

import io.netty.util.NetUtil;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;

/** Turns socket addresses into the text dualchat prints: {@code 127.0.0.1}, {@code ::1}, {@code [::1]:2222}. */
public final class Addresses {

    private Addresses() {}

    /**
     * The peer's IP in its shortest usual form: {@code 127.0.0.1}, {@code ::1}. A dual-stack socket sees
     * IPv4 peers as IPv4-mapped IPv6 addresses; those are shown as the IPv4 address they stand for.
     */
    public static String printable(InetSocketAddress address) {
        InetAddress ip = address.getAddress();
        if (ip == null) {
            return address.getHostString();
        }
        return NetUtil.toAddressString(unmapped(ip));
    }

    /**
     * The address a peer really has: an IPv4-mapped IPv6 address ({@code ::ffff:192.0.2.1}, as a
     * dual-stack socket reports IPv4 peers) becomes the IPv4 address it stands for; any other is kept.
     * Limits and access rules key on this, so that one IPv4 peer is one source whatever the socket.
     */
    public static InetAddress unmapped(InetAddress ip) {
        if (ip instanceof Inet6Address) {
            byte[] bytes = ip.getAddress();
            if (isIpv4Mapped(bytes)) {
                return ipv4(bytes);
            }
        }
        return ip;
    }

    /** The unmapped IP of a peer's socket address; {@code null} if it is not an IP socket address. */
    public static InetAddress source(SocketAddress address) {
        if (address instanceof InetSocketAddress) {
            InetAddress ip = ((InetSocketAddress) address).getAddress();
            return ip == null ? null : unmapped(ip);
        }
        return null;
    }

    /** {@link #printable(InetSocketAddress)} for an IP socket address, its text for any other kind. */
    public static String printable(SocketAddress address) {
        return address instanceof InetSocketAddress ? printable((InetSocketAddress) address) : String.valueOf(address);
    }

    /** The port of an IP socket address, 0 for any other kind. */
    public static int port(SocketAddress address) {
        return address instanceof InetSocketAddress ? ((InetSocketAddress) address).getPort() : 0;
    }

    /** The printable IP and the port, the IP in brackets if it is IPv6: {@code [::1]:2222}. */
    public static String withPort(InetSocketAddress address) {
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

    private static Inet4Address ipv4(byte[] mapped) {
        byte[] v4 = {mapped[12], mapped[13], mapped[14], mapped[15]};
        try {
            return (Inet4Address) InetAddress.getByAddress(v4);
        } catch (UnknownHostException e) {
            throw new AssertionError("four bytes are always an IPv4 address", e);
        }
    }
}
