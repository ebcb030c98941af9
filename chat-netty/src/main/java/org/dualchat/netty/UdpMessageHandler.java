package org.dualchat.netty;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.NetUtil;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.common.Failures;
import org.dualchat.netty.common.SinkFeeder;
import org.dualchat.netty.limit.DropCounter;
import org.dualchat.netty.room.ChatRoom;
import org.dualchat.netty.room.RecentSources;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands each datagram line to the sink, and relays what it takes to the room. UDP has no way to slow a
 * sender down, so a line the full sink cannot take is dropped and counted.
 *
 * <p>Without UDP relay, the lines a read takes are offered to the room together at the end of the read
 * ({@link ChatRoom#relayAll}), as a TCP read's are: a room nobody else is in takes them with nothing done
 * for each line. What it does not take is relayed line by line, in order.
 */
final class UdpMessageHandler extends ChannelInboundHandlerAdapter {

    private static final Logger logger = LoggerFactory.getLogger(UdpMessageHandler.class);

    private final MessageSink sink;
    private final DropCounter dropped;
    private final ChatRoom room;
    private final List<ChatMessage> pending = new ArrayList<>();

    UdpMessageHandler(MessageSink sink, DropCounter dropped) {
        this(sink, dropped, null);
    }

    /** @param room where accepted messages are relayed, or {@code null} for a receive-only server */
    UdpMessageHandler(MessageSink sink, DropCounter dropped, ChatRoom room) {
        this.sink = sink;
        this.dropped = dropped;
        this.room = room;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        ChatMessage message = (ChatMessage) msg;
        if (!sink.offer(message)) {
            dropped.increment();
            return;
        }
        if (room == null) {
            return;
        }
        RecentSources sources = room.udpSources();
        if (sources == null && !message.action()) {
            pending.add(message);
            if (pending.size() >= SinkFeeder.MAX_PENDING) { // as a TCP read's batch
                relayPending();
            }
            return;
        }
        relayPending();
        InetSocketAddress source = null;
        if (sources != null) {
            source = new InetSocketAddress(NetUtil.createInetAddressFromIpAddressString(message.ip()), message.port());
            sources.seen(source);
        }
        room.relay(message, null, source);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        relayPending();
        ctx.fireChannelReadComplete();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        relayPending();
        ctx.fireChannelInactive();
    }

    private void relayPending() {
        int count = pending.size();
        if (count == 0) {
            return;
        }
        int taken = count > 1 ? room.relayAll(pending, count, null) : 0;
        for (int i = taken; i < count; i++) {
            room.relay(pending.get(i), null, null);
        }
        pending.clear();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        if (Failures.isFatal(cause)) {
            Failures.escalate(cause);
            return;
        }
        // One bad datagram or a transient socket error must not take the UDP port down.
        logger.warn("{} error while receiving, still serving: {}", ctx.channel(), cause.toString());
    }
}
