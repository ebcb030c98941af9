package org.dualchat.netty.room;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.socket.DatagramPacket;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.RejectedExecutionException;
import org.dualchat.netty.stats.ServerStats;

/**
 * Relays a line to the UDP sources that sent within the window, as one datagram each (the line with its
 * newline, so that {@code nc -u} shows each relay on a line of its own), from the server's UDP channel, on
 * its event loop. A source the channel cannot take more for now misses the relay, counted.
 */
final class UdpRelay {

    private final ServerStats stats;
    private final RelayBudget budget;

    UdpRelay(ServerStats stats, RelayBudget budget) {
        this.stats = stats;
        this.budget = budget;
    }

    /** Sends {@code nick@ip : text} (or {@code text} alone, with a {@code null} ip) to each of {@code targets}. */
    void send(Channel channel, String nick, String ip, String text, List<InetSocketAddress> targets) {
        Outbox single = new Outbox(budget);
        single.add(nick, ip, text, null, true);
        RelayBatch batch = single.take();
        ByteBuf payload = batch.datagram();
        batch.release();
        Runnable send = () -> {
            try {
                for (InetSocketAddress target : targets) {
                    if (channel.isWritable()) {
                        channel.write(new DatagramPacket(payload.retainedDuplicate(), target), channel.voidPromise());
                        stats.relaySent();
                    } else {
                        stats.relayDropped();
                    }
                }
                channel.flush();
            } finally {
                payload.release();
            }
        };
        try {
            channel.eventLoop().execute(send);
        } catch (RejectedExecutionException shuttingDown) {
            payload.release();
        }
    }
}
