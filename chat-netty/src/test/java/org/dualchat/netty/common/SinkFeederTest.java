package org.dualchat.netty.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.embedded.EmbeddedChannel;
import java.util.ArrayList;
import java.util.List;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.dualchat.netty.testing.ControlledSink;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** {@link SinkFeeder} on an embedded channel: in order, nothing dropped, reading paused while the sink is full. */
@Timeout(10)
class SinkFeederTest {

    private final HeldMessages held = new HeldMessages();
    private final List<String> accepted = new ArrayList<>();
    private ControlledSink sink;
    private EmbeddedChannel ch;

    /** Feeds each string read from the channel to the sink, as the TCP message handler does. */
    private final class Feeding extends ChannelInboundHandlerAdapter {
        private SinkFeeder feeder;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            feeder = new SinkFeeder(ctx, sink, held, message -> accepted.add(message.text()));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            feeder.deliver(new ChatMessage(Protocol.TCP, "127.0.0.1", 40000, (String) msg));
        }
    }

    /** Adds each string of a read, and hands them over when the read is complete, as the TCP handler does. */
    private class Batching extends ChannelInboundHandlerAdapter {
        SinkFeeder feeder;

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            feeder = new SinkFeeder(ctx, sink, held, message -> accepted.add(message.text()));
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            String text = (String) msg;
            if (text.startsWith("!")) {
                feeder.deliver(new ChatMessage(Protocol.TCP, "127.0.0.1", 40000, text));
            } else {
                feeder.add(new ChatMessage(Protocol.TCP, "127.0.0.1", 40000, text));
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            feeder.flush();
        }
    }

    private void open(int room) {
        sink = new ControlledSink(room);
        ch = new EmbeddedChannel(new Feeding());
    }

    private void openBatching(int room) {
        sink = new ControlledSink(room);
        ch = new EmbeddedChannel(new Batching());
    }

    @Test
    void aReadsMessagesGoToTheSinkTogetherWhenTheReadIsComplete() {
        openBatching(10);
        ch.pipeline().fireChannelRead("one").fireChannelRead("two");
        assertThat(sink.texts()).as("nothing before the read is complete").isEmpty();
        ch.pipeline().fireChannelRead("three").fireChannelReadComplete();
        assertThat(sink.texts()).containsExactly("one", "two", "three");
        assertThat(accepted).containsExactly("one", "two", "three");
        assertThat(sink.offerAllCalls()).as("one hand-over for the read").isEqualTo(1);
        assertThat(held.count()).isZero();
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @Test
    void whatTheSinkTookOfAReadIsOfferedToTheRoomAtOnceAndWhatTheRoomLeavesIsToldLineByLine() {
        sink = ControlledSink.unbounded();
        List<Integer> batches = new ArrayList<>();
        int[] takes = {3, 1, 0};
        ch = new EmbeddedChannel(new Batching() {
            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                feeder = new SinkFeeder(ctx, sink, held, new SinkFeeder.Accepted() {
                    @Override
                    public void accept(ChatMessage message) {
                        accepted.add(message.text());
                    }

                    @Override
                    public int acceptAll(List<ChatMessage> messages, int count) {
                        batches.add(count);
                        return takes[batches.size() - 1];
                    }
                });
            }
        });
        ch.pipeline().fireChannelRead("a").fireChannelRead("b").fireChannelRead("c").fireChannelReadComplete();
        assertThat(accepted).as("all three taken at once: none told alone").isEmpty();
        ch.pipeline().fireChannelRead("d").fireChannelRead("e").fireChannelRead("f").fireChannelReadComplete();
        assertThat(accepted).as("the first taken at once, the rest each, in order").containsExactly("e", "f");
        ch.pipeline().fireChannelRead("g").fireChannelRead("h").fireChannelReadComplete();
        ch.pipeline().fireChannelRead("i").fireChannelReadComplete();
        assertThat(accepted).containsExactly("e", "f", "g", "h", "i");
        assertThat(batches).as("offered per read of more than one line").containsExactly(3, 3, 2);
        assertThat(sink.texts()).containsExactly("a", "b", "c", "d", "e", "f", "g", "h", "i");
    }

    @Test
    void aLongReadIsHandedOverEveryFewLinesSoThatAFullSinkPausesReadingWithinIt() {
        openBatching(SinkFeeder.MAX_PENDING + 1);
        for (int i = 0; i < 3 * SinkFeeder.MAX_PENDING; i++) {
            ch.pipeline().fireChannelRead("line " + i);
        }
        assertThat(sink.texts()).as("handed over without waiting for the read to complete")
                .hasSize(SinkFeeder.MAX_PENDING + 1);
        assertThat(ch.config().isAutoRead()).as("reading paused in the middle of the read").isFalse();
        assertThat(held.count()).isEqualTo(2L * SinkFeeder.MAX_PENDING - 1);
        makeRoom(3 * SinkFeeder.MAX_PENDING);
        ch.pipeline().fireChannelReadComplete();
        assertThat(sink.texts()).hasSize(3 * SinkFeeder.MAX_PENDING);
        assertThat(sink.texts().get(3 * SinkFeeder.MAX_PENDING - 1)).isEqualTo("line " + (3 * SinkFeeder.MAX_PENDING - 1));
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @Test
    void theRoomsGateIsCheckedBeforeEachRelayOfABatchAndWhatItHoldsBackIsRelayedInOrderLater() {
        sink = ControlledSink.unbounded();
        TestGate gate = new TestGate(2);
        ch = new EmbeddedChannel(new ChannelInboundHandlerAdapter() {
            private SinkFeeder feeder;

            @Override
            public void handlerAdded(ChannelHandlerContext ctx) {
                feeder = new SinkFeeder(ctx, sink, held, message -> {
                    accepted.add(message.text());
                    gate.relayed();
                }, gate);
            }

            @Override
            public void channelRead(ChannelHandlerContext ctx, Object msg) {
                feeder.add(new ChatMessage(Protocol.TCP, "127.0.0.1", 40000, (String) msg));
            }

            @Override
            public void channelReadComplete(ChannelHandlerContext ctx) {
                feeder.flush();
            }
        });
        ch.writeInbound("one", "two", "three", "four");
        assertThat(sink.texts()).as("printed as one batch").containsExactly("one", "two", "three", "four");
        assertThat(accepted).as("relayed only while the gate was open").containsExactly("one", "two");
        assertThat(held.count()).isEqualTo(2);
        assertThat(ch.config().isAutoRead()).as("reading paused").isFalse();

        ch.writeInbound("five");
        assertThat(sink.texts()).as("nothing overtakes what waits for relay").hasSize(4);
        gate.open(10);
        ch.runPendingTasks();
        assertThat(accepted).containsExactly("one", "two", "three", "four", "five");
        assertThat(sink.texts()).containsExactly("one", "two", "three", "four", "five");
        assertThat(held.count()).isZero();
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    /** A gate that lets {@code budget} relays through, then closes until opened again. */
    private static final class TestGate implements RelayGate {
        private int budget;
        private final List<Runnable> waiting = new ArrayList<>();

        TestGate(int budget) {
            this.budget = budget;
        }

        void relayed() {
            budget--;
        }

        void open(int more) {
            budget += more;
            List<Runnable> woken = new ArrayList<>(waiting);
            waiting.clear();
            woken.forEach(Runnable::run);
        }

        @Override
        public boolean isOpen() {
            return budget > 0;
        }

        @Override
        public void whenOpen(Runnable task) {
            if (isOpen()) {
                task.run();
            } else {
                waiting.add(task);
            }
        }
    }

    @Test
    void aMessageDeliveredAtOnceComesAfterThoseAddedBeforeIt() {
        openBatching(10);
        ch.writeInbound("one", "!now", "two");
        assertThat(sink.texts()).containsExactly("one", "!now", "two");
        assertThat(accepted).containsExactly("one", "!now", "two");
    }

    @Test
    void whatABatchFindsNoRoomForIsHeldInOrderAndReadingPausedUntilThereIs() {
        openBatching(2);
        ch.writeInbound("one", "two", "three", "four");
        assertThat(sink.texts()).containsExactly("one", "two");
        assertThat(accepted).containsExactly("one", "two");
        assertThat(held.count()).isEqualTo(2);
        assertThat(ch.config().isAutoRead()).as("reading paused").isFalse();

        ch.writeInbound("five");
        assertThat(sink.texts()).as("behind the held ones, even with room").containsExactly("one", "two");
        makeRoom(10);
        assertThat(sink.texts()).containsExactly("one", "two", "three", "four", "five");
        assertThat(accepted).containsExactly("one", "two", "three", "four", "five");
        assertThat(held.count()).isZero();
        assertThat(ch.config().isAutoRead()).isTrue();
    }

    @AfterEach
    void finish() {
        if (ch != null) {
            ch.finishAndReleaseAll();
        }
    }

    /** Makes room in the sink and runs what that woke on the channel's event loop. */
    private void makeRoom(int more) {
        sink.makeRoom(more);
        ch.runPendingTasks();
    }

    @Test
    void withRoomEachMessageGoesStraightThroughInOrder() {
        open(10);
        ch.writeInbound("one", "two", "three");
        assertThat(sink.texts()).containsExactly("one", "two", "three");
        assertThat(accepted).containsExactly("one", "two", "three");
        assertThat(held.count()).isZero();
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(sink.waiting()).isZero();
    }

    @Test
    void aFullSinkPausesReadingAndHoldsTheMessagesUntilThereIsRoom() {
        open(1);
        ch.writeInbound("one", "two", "three");
        assertThat(sink.texts()).containsExactly("one");
        assertThat(accepted).as("told only of what the sink took").containsExactly("one");
        assertThat(held.count()).isEqualTo(2);
        assertThat(ch.config().isAutoRead()).as("reading paused").isFalse();
        assertThat(sink.waiting()).as("one wait for the sink, not one per message").isEqualTo(1);

        makeRoom(1);
        assertThat(sink.texts()).containsExactly("one", "two");
        assertThat(held.count()).isEqualTo(1);
        assertThat(ch.config().isAutoRead()).as("still paused: one message left").isFalse();

        makeRoom(5);
        assertThat(sink.texts()).containsExactly("one", "two", "three");
        assertThat(accepted).containsExactly("one", "two", "three");
        assertThat(held.count()).isZero();
        assertThat(ch.config().isAutoRead()).as("reading resumed").isTrue();
    }

    @Test
    void aMessageThatArrivesWhileOthersWaitQueuesBehindThemEvenIfTheSinkHasRoomAgain() {
        open(0);
        ch.writeInbound("first");
        // The sink has room again, but the retry queued on the event loop has not run yet when "second" is
        // read: offered at once, it would overtake "first".
        sink.makeRoom(5);
        ch.writeInbound("second");
        ch.runPendingTasks();
        assertThat(sink.texts()).containsExactly("first", "second");
        assertThat(accepted).containsExactly("first", "second");
        assertThat(held.count()).isZero();
    }

    @Test
    void messagesHeldWhenThePeerLeavesAreStillDeliveredAndReadingStaysOff() {
        open(0);
        ch.writeInbound("said before leaving");
        ch.close();
        assertThat(held.count()).isEqualTo(1);

        makeRoom(1);
        assertThat(sink.texts()).containsExactly("said before leaving");
        assertThat(held.count()).isZero();
        assertThat(ch.config().isAutoRead()).as("a closed channel is not resumed").isFalse();
    }

    @Test
    void anotherReasonToPauseOutlastsTheFullSink() {
        open(0);
        ReadGate.of(ch).pause(ReadGate.Reason.RATE_LIMIT);
        ch.writeInbound("over the rate and the sink full");
        makeRoom(1);
        assertThat(sink.texts()).containsExactly("over the rate and the sink full");
        assertThat(ch.config().isAutoRead()).as("the rate limit still holds reading back").isFalse();

        ReadGate.of(ch).resume(ReadGate.Reason.RATE_LIMIT);
        assertThat(ch.config().isAutoRead()).isTrue();
    }
}
