package org.dualchat.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** A message as a stream entry and back; entries that are not ours; stream ids in order. */
@Timeout(10)
class RoomEntryTest {

    @Test
    void aMessageComesBackWhole() {
        ChatMessage message = new ChatMessage(Protocol.TCP, "::1", 40312, "alice", "héllo : wörld", 1_700_000_000_123L)
                .asAction();
        RoomEntry entry = new RoomEntry(message, "node-1", 42);
        assertThat(entry.fields()).containsEntry("p", "TCP").containsEntry("ip", "::1").containsEntry("port", "40312")
                .containsEntry("nick", "alice").containsEntry("node", "node-1").containsEntry("t", "1700000000123")
                .containsEntry("a", "1").containsEntry("s", "42").containsEntry("text", "héllo : wörld");
        RoomEntry back = RoomEntry.of(entry.fields());
        assertThat(back).isEqualTo(entry);
        assertThat(back.message().receivedAt()).isEqualTo(1_700_000_000_123L);
        assertThat(back.message().action()).isTrue();
    }

    @Test
    void aUdpLineWithoutNickOrSequenceLeavesThoseFieldsOut() {
        RoomEntry entry = new RoomEntry(new ChatMessage(Protocol.UDP, "127.0.0.1", 5000, "hi"), "n", 0);
        assertThat(entry.fields()).doesNotContainKeys("nick", "a", "s");
        assertThat(RoomEntry.of(entry.fields())).isEqualTo(entry);
    }

    @Test
    void entriesThatAreNotOursAreNull() {
        assertThat(RoomEntry.of(Map.of("f", "v"))).isNull();
        Map<String, String> badProtocol = new HashMap<>(
                new RoomEntry(new ChatMessage(Protocol.UDP, "127.0.0.1", 5000, "hi"), "n", 0).fields());
        badProtocol.put("p", "SMOKE");
        assertThat(RoomEntry.of(badProtocol)).isNull();
        badProtocol.put("p", "UDP");
        badProtocol.put("port", "x");
        assertThat(RoomEntry.of(badProtocol)).isNull();
    }

    @Test
    void streamIdsCompareByTimeThenSequence() {
        assertThat(RoomEntry.millisOf("1700000000123-7")).isEqualTo(1_700_000_000_123L);
        assertThat(StreamReader.compare("1700000000123-7", "1700000000123-10")).isNegative();
        assertThat(StreamReader.compare("1700000000124-0", "1700000000123-10")).isPositive();
        assertThat(StreamReader.compare("0-0", "1-0")).isNegative();
        assertThat(StreamReader.compare("5-5", "5-5")).isZero();
    }
}
