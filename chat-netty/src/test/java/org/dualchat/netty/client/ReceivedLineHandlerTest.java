package org.dualchat.netty.client;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReceivedLineHandlerTest {

    private final CollectingSink sink = new CollectingSink();

    @Test
    void handsEachLineToTheSink() {
        EmbeddedChannel ch = new EmbeddedChannel(new ReceivedLineHandler(sink));
        ch.writeInbound("Server connected", "", "alice : hi");
        assertThat(sink.texts()).containsExactly("Server connected", "", "alice : hi");
        assertThat((Object) ch.readInbound()).isNull();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void stopsReadingWhileTheSinkIsFullAndLosesNothing() throws InterruptedException {
        ReceivedLineHandler handler = new ReceivedLineHandler(sink);
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        ch.writeInbound("one");
        sink.setFull(true);
        ch.writeInbound("two", "three");
        assertThat(ch.config().isAutoRead()).isFalse();
        assertThat(sink.waiting()).isEqualTo(1);
        assertThat(handler.awaitDelivered(Duration.ZERO)).isFalse();

        sink.setFull(false);
        ch.runPendingTasks();
        assertThat(sink.texts()).containsExactly("one", "two", "three");
        assertThat(ch.config().isAutoRead()).isTrue();
        assertThat(handler.awaitDelivered(Duration.ZERO)).isTrue();
        assertThat(ch.finish()).isFalse();
    }

    @Test
    void remembersTheErrorThatClosedTheConnection() {
        ReceivedLineHandler handler = new ReceivedLineHandler(sink);
        EmbeddedChannel ch = new EmbeddedChannel(handler);
        IOException reset = new IOException("Connection reset by peer");
        ch.pipeline().fireExceptionCaught(reset);
        assertThat(ch.isOpen()).isFalse();
        assertThat(handler.failure()).isSameAs(reset);
        ch.finish();
    }
}
