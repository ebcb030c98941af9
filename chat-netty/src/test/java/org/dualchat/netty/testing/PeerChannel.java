package org.dualchat.netty.testing;

import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.util.concurrent.MockTicker;
import io.netty.util.concurrent.Ticker;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnknownHostException;
import java.util.concurrent.TimeUnit;

/**
 * An embedded channel whose peer is a given IP address, as an accepted TCP channel's would be, on a
 * clock that moves only when the test says.
 */
public final class PeerChannel extends EmbeddedChannel {

    private final InetSocketAddress peer;
    private final MockTicker clock;

    private PeerChannel(InetSocketAddress peer, MockTicker clock, ChannelHandler... handlers) {
        // Registered only once the peer is set: registering asks for the remote address.
        super(EmbeddedChannel.builder().register(false).ticker(clock).handlers(handlers));
        this.peer = peer;
        this.clock = clock;
    }

    /** A registered, active channel from {@code peer}, its handlers added. */
    public static PeerChannel from(InetSocketAddress peer, ChannelHandler... handlers) {
        PeerChannel ch = new PeerChannel(peer, Ticker.newMockTicker(), handlers);
        try {
            ch.register();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return ch;
    }

    public static PeerChannel from(String ip, ChannelHandler... handlers) {
        return from(new InetSocketAddress(ip, 40000), handlers);
    }

    /** {@code ::ffff:a.b.c.d}, as a dual-stack socket reports an IPv4 peer (Java would unmap the text form). */
    public static InetSocketAddress mapped(String ipv4, int port) {
        try {
            byte[] v4 = InetAddress.getByName(ipv4).getAddress();
            byte[] v6 = new byte[16];
            v6[10] = (byte) 0xff;
            v6[11] = (byte) 0xff;
            System.arraycopy(v4, 0, v6, 12, 4);
            return new InetSocketAddress(Inet6Address.getByAddress(null, v6, 0), port);
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(ipv4, e);
        }
    }

    /** Moves the channel's clock on and runs what fell due, as an event loop keeping time would. */
    public void tick(long millis) {
        clock.advance(millis, TimeUnit.MILLISECONDS);
        runScheduledPendingTasks();
        runPendingTasks();
    }

    @Override
    protected SocketAddress remoteAddress0() {
        return peer;
    }
}
