package org.dualchat.netty;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandler;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.Protocol;
import org.dualchat.netty.common.HeldMessages;
import org.dualchat.netty.testing.ControlledSink;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class TcpMessageHandlerTest {

    private static final byte[] GREETING = "Server connected\n".getBytes(UTF_8);

    private final HeldMessages held = new HeldMessages();

    /** An embedded channel that says its peer is 127.0.0.1:40000, as a real TCP channel would. */
    private static EmbeddedChannel channel(ChannelHandler handler) {
        return new EmbeddedChannel(handler) {
            @Override
            protected SocketAddress remoteAddress0() {
                return new InetSocketAddress("127.0.0.1", 40000);
            }
        };
    }

    @Test
    void greetsTheClientOnConnect() {
        EmbeddedChannel ch = channel(new TcpMessageHandler(ControlledSink.unbounded(), GREETING, held, null));
        ByteBuf greeting = ch.readOutbound();
        assertThat(greeting.toString(UTF_8)).isEqualTo("Server connected\n");
        greeting.release();
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void anEmptyGreetingSendsNothing() {
        EmbeddedChannel ch = channel(new TcpMessageHandler(ControlledSink.unbounded(), new byte[0], held, null));
        assertThat((Object) ch.readOutbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void handsEachLineToTheSinkWithItsSenderAndSkipsBlankOnes() {
        ControlledSink sink = ControlledSink.unbounded();
        EmbeddedChannel ch = channel(new TcpMessageHandler(sink, new byte[0], held, null));
        ch.writeInbound("hi", "", "there");
        assertThat(sink.messages()).containsExactly(
                new ChatMessage(Protocol.TCP, "127.0.0.1", 40000, "hi"),
                new ChatMessage(Protocol.TCP, "127.0.0.1", 40000, "there"));
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void theLinesOfOneReadShareOneTimeOfReceiptAndTheNextReadTakesAnother() {
        ControlledSink sink = ControlledSink.unbounded();
        TcpMessageHandler handler = new TcpMessageHandler(sink, new byte[0], held, null);
        long[] reads = {1_000};
        handler.clock = () -> reads[0]++;
        EmbeddedChannel ch = channel(handler);
        ch.writeInbound("a", "b", "c");
        ch.writeInbound("d");
        assertThat(sink.messages()).extracting(ChatMessage::text).containsExactly("a", "b", "c", "d");
        assertThat(sink.messages()).extracting(ChatMessage::receivedAt).containsExactly(1_000L, 1_000L, 1_000L, 1_001L);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void pausesReadingWhileTheSinkIsFullAndLosesNothing() {
        ControlledSink sink = new ControlledSink(2);
        EmbeddedChannel ch = channel(new TcpMessageHandler(sink, new byte[0], held, null));
        ch.writeInbound("1", "2", "3", "4", "5");
        assertThat(sink.texts()).containsExactly("1", "2");
        assertThat(ch.config().isAutoRead()).as("reading paused").isFalse();
        assertThat(held.count()).isEqualTo(3);
        assertThat(sink.waiting()).as("one wake-up asked for, not one per line").isEqualTo(1);

        // Lines still decoded from the last read keep their place behind the held ones.
        ch.writeInbound("6");
        sink.makeRoom(2);
        ch.runPendingTasks();
        assertThat(sink.texts()).containsExactly("1", "2", "3", "4");
        assertThat(ch.config().isAutoRead()).isFalse();

        sink.makeRoom(100);
        ch.runPendingTasks();
        assertThat(sink.texts()).containsExactly("1", "2", "3", "4", "5", "6");
        assertThat(ch.config().isAutoRead()).as("reading resumed").isTrue();
        assertThat(held.count()).isZero();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void deliversHeldLinesEvenAfterTheClientHasGone() {
        ControlledSink sink = new ControlledSink(0);
        EmbeddedChannel ch = channel(new TcpMessageHandler(sink, new byte[0], held, null));
        ch.writeInbound("last words");
        ch.close();
        sink.makeRoom(1);
        ch.runPendingTasks();
        assertThat(sink.texts()).containsExactly("last words");
        assertThat(held.count()).isZero();
    }

    @Test
    void handsTheLinesOfOneReadToTheSinkTogetherWhenTheReadIsComplete() {
        ControlledSink sink = ControlledSink.unbounded();
        EmbeddedChannel ch = channel(new TcpMessageHandler(sink, new byte[0], held, null));
        ch.pipeline().fireChannelRead("one").fireChannelRead("two");
        assertThat(sink.texts()).isEmpty();
        ch.pipeline().fireChannelReadComplete();
        assertThat(sink.texts()).containsExactly("one", "two");
        assertThat(sink.offerAllCalls()).isEqualTo(1);
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void linesOfAReadThatNeverCompletedAreHandedOverWhenTheClientHalfClosesOrGoes() {
        ControlledSink sink = ControlledSink.unbounded();
        EmbeddedChannel ch = channel(new TcpMessageHandler(sink, new byte[0], held, null));
        ch.pipeline().fireChannelRead("last words");
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(sink.texts()).containsExactly("last words");

        ControlledSink other = ControlledSink.unbounded();
        EmbeddedChannel gone = channel(new TcpMessageHandler(other, new byte[0], held, null));
        gone.pipeline().fireChannelRead("cut off");
        gone.close();
        assertThat(other.texts()).containsExactly("cut off");
    }

    @Test
    void closesWhenTheClientHalfCloses() {
        EmbeddedChannel ch = channel(new TcpMessageHandler(ControlledSink.unbounded(), new byte[0], held, null));
        ch.pipeline().fireUserEventTriggered(ChannelInputShutdownEvent.INSTANCE);
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void closesOnAnIoError() {
        EmbeddedChannel ch = channel(new TcpMessageHandler(ControlledSink.unbounded(), new byte[0], held, null));
        ch.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void anUnexpectedErrorIsLoggedOnceAndClosesTheChannel() {
        EmbeddedChannel ch = channel(new TcpMessageHandler(ControlledSink.unbounded(), new byte[0], held, null));
        try (org.dualchat.netty.testing.LogCapture log = org.dualchat.netty.testing.LogCapture.start()) {
            ch.pipeline().fireExceptionCaught(new IllegalStateException("a bug"));
            assertThat(log.warnings()).hasSize(1);
            assertThat(log.warnings().get(0)).contains("unexpected error, closing");
        }
        assertThat(ch.isOpen()).isFalse();
    }

    @Test
    void anOutOfMemoryErrorGoesToTheThreadsUncaughtExceptionHandler() {
        EmbeddedChannel ch = channel(new TcpMessageHandler(ControlledSink.unbounded(), new byte[0], held, null));
        Thread thread = Thread.currentThread();
        Thread.UncaughtExceptionHandler before = thread.getUncaughtExceptionHandler();
        java.util.List<Throwable> escalated = new java.util.ArrayList<>();
        thread.setUncaughtExceptionHandler((t, e) -> escalated.add(e));
        try {
            OutOfMemoryError oom = new OutOfMemoryError("Direct buffer memory");
            ch.pipeline().fireExceptionCaught(new io.netty.handler.codec.DecoderException(oom));
            assertThat(escalated).as("the CLI's handler prints one line and exits 1 from there").hasSize(1);
            assertThat(escalated.get(0).getCause()).isSameAs(oom);
        } finally {
            thread.setUncaughtExceptionHandler(before);
        }
    }
}
