package org.dualchat.netty.room;

import static org.assertj.core.api.Assertions.assertThat;

import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.junit.jupiter.api.Test;

/** {@link Outbox}: what a batch keeps for the room's history. */
class OutboxTest {

    @Test
    void aBatchKeepsForTheHistoryItsLastMessagesAndAtMostTwiceTheHistorysSize() {
        Outbox outbox = new Outbox(new RelayBudget(1 << 20));
        for (int i = 0; i < 1_000; i++) {
            outbox.add(null, "127.0.0.1", "m " + i, null, true);
            outbox.remember(new ChatMessage(Protocol.UDP, "127.0.0.1", 5000, "m " + i), 20);
        }
        RelayBatch batch = outbox.take();
        try {
            assertThat(batch.remembered).hasSizeBetween(20, 40);
            assertThat(batch.remembered.subList(batch.remembered.size() - 20, batch.remembered.size()))
                    .extracting(ChatMessage::text).first().isEqualTo("m 980");
            assertThat(batch.remembered).extracting(ChatMessage::text).last().isEqualTo("m 999");
        } finally {
            batch.release();
        }
    }
}
