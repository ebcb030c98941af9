package org.dualchat.netty.limit;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import org.dualchat.netty.common.Addresses;

/**
 * Which sources may talk to the server, from {@code --allow} and {@code --deny}: a source in any denied
 * block is refused; if any block is allowed, only sources in an allowed block pass; with no rules,
 * everyone passes. IPv4 peers seen as {@code ::ffff:a.b.c.d} are matched as the IPv4 address.
 */
final class AccessList {

    private final List<Subnet> allowed;
    private final List<Subnet> denied;

    AccessList(List<Subnet> allow, List<Subnet> deny) {
        this.allowed = List.copyOf(allow);
        this.denied = List.copyOf(deny);
    }

    /** Whether there are rules at all; without them no filter need sit in the pipelines. */
    boolean restricts() {
        return !allowed.isEmpty() || !denied.isEmpty();
    }

    /** Whether {@code peer} may talk to the server. */
    boolean permits(InetSocketAddress peer) {
        InetAddress ip = peer.getAddress();
        if (ip == null) {
            return false;
        }
        InetAddress source = Addresses.unmapped(ip);
        InetSocketAddress key = source == ip ? peer : new InetSocketAddress(source, peer.getPort());
        for (Subnet subnet : denied) {
            if (subnet.matches(key)) {
                return false;
            }
        }
        if (allowed.isEmpty()) {
            return true;
        }
        for (Subnet subnet : allowed) {
            if (subnet.matches(key)) {
                return true;
            }
        }
        return false;
    }
}
