package org.dualchat.netty.room;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link History}: the ring of the room's last messages, its numbering, and the lines a joiner is shown. */
@Timeout(10)
class HistoryTest {

    private static final long NOON = LocalDateTime.of(2026, 12, 1, 12, 0, 5).toInstant(ZoneOffset.UTC).toEpochMilli();

    private static ChatMessage said(String text) {
        return new ChatMessage(Protocol.TCP, "127.0.0.1", 40001, null, text, NOON);
    }

    @Test
    void keepsOnlyTheLastMessagesInTheOrderTheyCame() {
        History history = new History(3, ZoneOffset.UTC);
        history.append(List.of(said("1"), said("2")));
        history.append(List.of(said("3"), said("4")));
        history.append(List.of(said("5")));

        assertThat(history.snapshot().messages()).extracting(ChatMessage::text).containsExactly("3", "4", "5");
    }

    @Test
    void aBatchLargerThanTheRingLeavesItsLastMessagesInOrder() {
        History history = new History(3, ZoneOffset.UTC);
        history.append(List.of(said("0")));
        history.append(List.of(said("1"), said("2"), said("3"), said("4"), said("5"), said("6"), said("7")));
        assertThat(history.snapshot().messages()).extracting(ChatMessage::text).containsExactly("5", "6", "7");
        history.append(List.of(said("8")));
        assertThat(history.snapshot().messages()).extracting(ChatMessage::text).containsExactly("6", "7", "8");
        assertThat(history.snapshot().lastBatch()).isEqualTo(3);
    }

    @Test
    void numbersEachBatchSoAJoinerKnowsWhichItHasSeen() {
        History history = new History(5, ZoneOffset.UTC);
        assertThat(history.snapshot().lastBatch()).isZero();
        assertThat(history.append(null)).as("a batch of notices only is numbered too").isEqualTo(1);
        assertThat(history.append(List.of(said("a")))).isEqualTo(2);
        assertThat(history.appendIf(new AtomicInteger(1), 1, said("b"))).isTrue();
        assertThat(history.snapshot().lastBatch()).isEqualTo(3);
        assertThat(history.snapshot().messages()).extracting(ChatMessage::text).containsExactly("a", "b");
    }

    @Test
    void aMessageForNobodyIsNotKeptOnceSomeoneHasJoined() {
        History history = new History(5, ZoneOffset.UTC);
        assertThat(history.appendIf(new AtomicInteger(2), 1, said("too late"))).isFalse();
        assertThat(history.snapshot().messages()).isEmpty();
        assertThat(history.snapshot().lastBatch()).as("not numbered: its batch will be").isZero();
    }

    @Test
    void showsNothingWhenThereIsNoHistory() {
        assertThat(new History(5, ZoneOffset.UTC).snapshot().lines()).isEmpty();
        assertThat(History.of(0)).isNull();
    }

    @Test
    void marksHistoryWithAHeaderTheTimeOfEachMessageAndAnEnd() {
        History history = new History(5, ZoneOffset.UTC);
        history.append(List.of(said("hello"),
                new ChatMessage(Protocol.TCP, "::1", 40002, "bob", "waves", NOON, true),
                new ChatMessage(Protocol.CONSOLE, ChatMessage.CONSOLE_IP, 0, null, "\u001b[2Jthe operator", NOON)));

        assertThat(history.snapshot().lines()).containsExactly(
                "* last 3 messages:",
                "[12:00:05] 127.0.0.1 : hello",
                "[12:00:05] * bob@::1 waves",
                "[12:00:05] server : \\x1b[2Jthe operator",
                "* end of history");

        History one = new History(5, ZoneOffset.UTC);
        one.append(List.of(said("only")));
        assertThat(one.snapshot().lines()).containsExactly(
                "* last message:", "[12:00:05] 127.0.0.1 : only", "* end of history");
    }

    @Test
    void cutsALongMessageSoTheRingHoldsABoundedNumberOfBytes() {
        History history = new History(2, ZoneOffset.UTC);
        String longText = "x".repeat(History.MAX_TEXT - 1) + "\uD83D\uDE00" + "y".repeat(100_000);
        history.append(List.of(said(longText)));

        String kept = history.snapshot().messages().get(0).text();
        assertThat(kept).as("cut before the emoji, not through it")
                .isEqualTo("x".repeat(History.MAX_TEXT - 1) + History.CUT);
        ChatMessage shortOne = said("short");
        assertThat(History.cut(shortOne)).isSameAs(shortOne);
    }
}
