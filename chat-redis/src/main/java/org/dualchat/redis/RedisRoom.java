package org.dualchat.redis;

import io.netty.channel.Channel;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.Executor;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.common.RelayGate;
import org.dualchat.netty.room.ChatRoom;
import org.dualchat.netty.room.LocalRoom;
import org.dualchat.netty.room.Member;
import org.dualchat.netty.room.RecentSources;
import org.dualchat.netty.room.RoomFactory;
import org.dualchat.netty.stats.ServerStats;

/**
 * A room shared by several nodes through a Redis stream: each message this node accepts is appended to the
 * room's stream once, and every node reads the stream and relays it to its own clients through its
 * {@link LocalRoom}, which keeps the batching, the relay budget and the backpressure.
 */
public final class RedisRoom implements ChatRoom {

    private final RedisOptions options;
    private final LocalRoom local;
    private final ServerStats stats;
    private final MessageSink sink;

    RedisRoom(RedisOptions options, LocalRoom local, ServerStats stats, MessageSink sink) {
        this.options = options;
        this.local = local;
        this.stats = stats;
        this.sink = sink;
    }

    /** What makes a server's room this one: {@code ChatServerConfig.builder().roomFactory(RedisRoom.factory(o))}. */
    public static RoomFactory factory(RedisOptions options) {
        return (local, stats, sink) -> new RedisRoom(options, local, stats, sink);
    }

    /** The options this room was made with. */
    public RedisOptions options() {
        return options;
    }

    /** The in-process room that fans out to this node's clients. */
    public LocalRoom local() {
        return local;
    }

    @Override
    public void start() throws IOException {
        // Connects and starts reading in the next step.
    }

    @Override
    public void close() {
    }

    @Override
    public Member join(Channel channel) {
        return local.join(channel);
    }

    @Override
    public void leave(Member member, String reason) {
        local.leave(member, reason);
    }

    @Override
    public String rename(Member member, String nick) {
        return local.rename(member, nick);
    }

    @Override
    public List<String> who() {
        return local.who();
    }

    @Override
    public Member byNick(String nick) {
        return local.byNick(nick);
    }

    @Override
    public void commandTaken() {
        local.commandTaken();
    }

    @Override
    public void logLeavesThrough(Executor executor) {
        local.logLeavesThrough(executor);
    }

    @Override
    public int size() {
        return local.size();
    }

    @Override
    public void relay(ChatMessage message, Member sender, InetSocketAddress udpSender) {
        local.relay(message, sender, udpSender);
    }

    @Override
    public RelayGate gate() {
        return local.gate();
    }

    @Override
    public void udpChannel(Channel channel) {
        local.udpChannel(channel);
    }

    @Override
    public RecentSources udpSources() {
        return local.udpSources();
    }
}
