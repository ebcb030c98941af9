package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.dualchat.netty.common.RelayGate;
import org.dualchat.netty.common.SinkFeeder;
import org.dualchat.netty.limit.DropCounter;
import org.dualchat.netty.room.ChatRoom;
import org.dualchat.netty.room.LocalRoom;
import org.dualchat.netty.room.Member;
import org.dualchat.netty.room.RecentSources;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.testing.ControlledSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class UdpMessageHandlerTest {

    @Test
    void deliversWhileThereIsRoomThenCountsWhatItDrops() {
        ControlledSink sink = new ControlledSink(2);
        DropCounter dropped = new DropCounter("test messages");
        EmbeddedChannel ch = new EmbeddedChannel(new UdpMessageHandler(sink, dropped));
        for (int i = 0; i < 5; i++) {
            ch.writeInbound(new ChatMessage(Protocol.UDP, "127.0.0.1", 1, "m" + i));
        }
        assertThat(sink.texts()).containsExactly("m0", "m1");
        assertThat(dropped.total()).isEqualTo(3);
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void keepsServingAfterAnError() {
        ControlledSink sink = ControlledSink.unbounded();
        EmbeddedChannel ch = new EmbeddedChannel(new UdpMessageHandler(sink, new DropCounter("test")));
        ch.pipeline().fireExceptionCaught(new java.io.IOException("ICMP port unreachable"));
        assertThat(ch.isOpen()).isTrue();
        ch.writeInbound(new ChatMessage(Protocol.UDP, "127.0.0.1", 1, "still here"));
        assertThat(sink.texts()).containsExactly("still here");
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aReadSaidToNobodyIsOfferedToTheRoomAtOnceAndKeptForTheNextJoiner() {
        RecordingRoom room = new RecordingRoom(3);
        EmbeddedChannel ch = udpChannel(ControlledSink.unbounded(), room);
        ch.writeInbound(lines(5)); // one read

        assertThat(room.calls).containsExactly("relayAll m0..m4 -> 5");
        EmbeddedChannel joiner = new EmbeddedChannel();
        assertThat(room.join(joiner).takeHistory()).hasSize(5).element(3).asString().endsWith("127.0.0.1 : m4");
        joiner.finishAndReleaseAll();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void withSomeoneThereEachLineIsRelayedInOrderAtTheEndOfTheRead() {
        RecordingRoom room = new RecordingRoom(3);
        EmbeddedChannel member = new EmbeddedChannel();
        room.join(member);
        EmbeddedChannel ch = udpChannel(ControlledSink.unbounded(), room);
        ch.writeInbound(lines(3));
        ch.writeInbound(lines(1));

        assertThat(room.calls).containsExactly("relayAll m0..m2 -> 0", "relay m0", "relay m1", "relay m2", "relay m0");
        member.finishAndReleaseAll();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void aLongReadIsOfferedInPiecesAndWhatTheSinkDroppedIsNotOffered() {
        RecordingRoom room = new RecordingRoom(3);
        EmbeddedChannel ch = udpChannel(ControlledSink.unbounded(), room);
        ch.writeInbound(lines(SinkFeeder.MAX_PENDING + 44));
        assertThat(room.calls).containsExactly("relayAll m0..m255 -> 256", "relayAll m256..m299 -> 44");

        RecordingRoom second = new RecordingRoom(3);
        EmbeddedChannel full = udpChannel(new ControlledSink(2), second);
        full.writeInbound(lines(5));
        assertThat(second.calls).containsExactly("relayAll m0..m1 -> 2");
        assertThat(ch.finish()).isFalse();
        assertThat(full.finish()).isFalse();
    }

    private static EmbeddedChannel udpChannel(ControlledSink sink, ChatRoom room) {
        return new EmbeddedChannel(new UdpMessageHandler(sink, new DropCounter("test"), room));
    }

    private static Object[] lines(int count) {
        Object[] lines = new Object[count];
        for (int i = 0; i < count; i++) {
            lines[i] = new ChatMessage(Protocol.UDP, "127.0.0.1", 1, "m" + i);
        }
        return lines;
    }

    /** The in-process room, with the calls the handler makes to relay written down. */
    private static final class RecordingRoom implements ChatRoom {
        final List<String> calls = new ArrayList<>();
        private final LocalRoom room;

        RecordingRoom(int history) {
            room = new LocalRoom(new ServerStats(), 16 << 20, null, history);
        }

        @Override
        public void relay(ChatMessage message, Member sender, InetSocketAddress udpSender) {
            calls.add("relay " + message.text());
            room.relay(message, sender, udpSender);
        }

        @Override
        public int relayAll(List<ChatMessage> messages, int count, Member sender) {
            int taken = room.relayAll(messages, count, sender);
            calls.add("relayAll " + messages.get(0).text() + ".." + messages.get(count - 1).text() + " -> " + taken);
            return taken;
        }

        @Override public Member join(Channel channel) { return room.join(channel); }
        @Override public void leave(Member member, String reason) { room.leave(member, reason); }
        @Override public String rename(Member member, String nick) { return room.rename(member, nick); }
        @Override public List<String> who() { return room.who(); }
        @Override public Member byNick(String nick) { return room.byNick(nick); }
        @Override public void commandTaken() { room.commandTaken(); }
        @Override public void logLeavesThrough(Executor executor) { room.logLeavesThrough(executor); }
        @Override public int size() { return room.size(); }
        @Override public RelayGate gate() { return room.gate(); }
        @Override public void udpChannel(Channel channel) { room.udpChannel(channel); }
        @Override public RecentSources udpSources() { return room.udpSources(); }
    }
}
