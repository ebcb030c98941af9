package org.dualchat.redis;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.dualchat.core.ChatMessage;
import org.junit.jupiter.api.Test;

/** This node's own messages keep their order at its clients whichever way each reaches them. */
class OwnMessagesTest {

    private final List<String> direct = new ArrayList<>();
    private final List<String> run = new ArrayList<>();
    private final OwnMessages own = new OwnMessages((message, sender, udp) -> direct.add(message.text()), m -> true);

    private long send(String text) {
        return own.add(ChatMessage.fromConsole(text), null, null);
    }

    @Test
    void messagesRedisRefusesWaitForEarlierOnesStillOnTheirWay() {
        long first = send("1");
        long second = send("2");
        // Redis went away: the next ones are refused at once, while the first two still wait for an answer.
        own.relayHere(send("3"));
        own.relayHere(send("4"));
        assertThat(direct).as("not before the messages sent earlier").isEmpty();

        own.relayHere(first);
        assertThat(direct).containsExactly("1");
        own.relayHere(second);
        assertThat(direct).containsExactly("1", "2", "3", "4");
        assertThat(own.size()).isZero();
    }

    @Test
    void aMessageRedisTookButNotReadBackYetDoesNotHoldTheOthersUp() {
        long first = send("1");
        own.added(first, "1-0");
        own.relayHere(send("2"));
        assertThat(direct).containsExactly("1", "2");

        own.beginRun((message, sender, udp) -> run.add(message.text()));
        own.readBack(first);
        own.endRun("1-0");
        assertThat(run).as("not relayed twice when it is read back").isEmpty();
    }

    @Test
    void whileTheReaderHandsOnABatchARefusedMessageGoesAfterTheBatchsOwn() {
        long first = send("1");
        own.added(first, "1-0");
        long second = send("2");
        own.beginRun((message, sender, udp) -> run.add(message.text()));
        own.readBack(first);
        own.relayHere(second);
        assertThat(direct).as("not ahead of the batch, which is sent when it ends").isEmpty();
        own.endRun("1-0");
        assertThat(run).containsExactly("1", "2");
        assertThat(direct).isEmpty();
    }

    @Test
    void aMessageReadBackComesAfterEarlierOnesRelayedHere() {
        long first = send("1");
        long second = send("2");
        own.relayHere(send("3"));
        own.added(second, "5-0");
        own.relayHere(first);
        // 1 failed; 2 was taken by Redis and 3 refused: 2 is relayed here rather than hold 3 up.
        assertThat(direct).containsExactly("1", "2", "3");
        own.beginRun((message, sender, udp) -> run.add(message.text()));
        own.readBack(second);
        own.endRun("5-0");
        assertThat(run).isEmpty();
    }

    @Test
    void normallyEachComesBackThroughTheStreamOnce() {
        long first = send("1");
        long second = send("2");
        own.added(first, "1-0");
        own.added(second, "2-0");
        own.beginRun((message, sender, udp) -> run.add(message.text()));
        own.readBack(first);
        own.readBack(second);
        own.readBack(second);
        own.endRun("2-0");
        assertThat(run).containsExactly("1", "2");
        assertThat(direct).isEmpty();
        assertThat(own.size()).isZero();
    }

    @Test
    void messagesTrimmedBeforeThisNodeReadThemAreForgotten() {
        long first = send("1");
        own.added(first, "3-0");
        long second = send("2");
        own.added(second, "4-0");
        own.beginRun((message, sender, udp) -> run.add(message.text()));
        own.readBack(second);
        own.endRun("9-0");
        assertThat(own.size()).isZero();
        assertThat(run).containsExactly("2");
    }
}
