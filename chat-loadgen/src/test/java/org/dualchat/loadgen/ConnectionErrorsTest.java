package org.dualchat.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import java.io.IOException;
import org.dualchat.netty.testing.LogCapture;
import org.junit.jupiter.api.Test;

class ConnectionErrorsTest {

    @Test
    void everyLostConnectionIsCountedAndTheFirstOneSaysWhy() {
        ConnectionErrors errors = new ConnectionErrors();
        EmbeddedChannel first = new EmbeddedChannel(new TcpLoad.Discard(errors));
        EmbeddedChannel second = new EmbeddedChannel(new TcpLoad.Discard(errors));
        try (LogCapture log = LogCapture.start()) {
            first.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
            second.pipeline().fireExceptionCaught(new IOException("Broken pipe"));

            assertThat(errors.sum()).isEqualTo(2);
            assertThat(first.isOpen()).isFalse();
            assertThat(second.isOpen()).isFalse();
            assertThat(log.warnings()).singleElement().asString()
                    .contains("failed: Connection reset by peer (the first connection error of this run")
                    .doesNotContain("IOException"); // its reason, not a stack trace
        }
    }

    @Test
    void anErrorWhileReadingTheRestAfterTheRunIsNoLostConnection() {
        ConnectionErrors errors = new ConnectionErrors();
        EmbeddedChannel draining = new EmbeddedChannel(new TcpLoad.Discard(errors));
        draining.config().setAutoRead(false);
        TcpLoad.drain(draining);
        assertThat(draining.config().isAutoRead()).isTrue();
        draining.pipeline().fireExceptionCaught(new IOException("epoll_ctl(..) failed: No such file or directory"));
        assertThat(errors.sum()).isZero();
        assertThat(draining.isOpen()).isFalse();

        EmbeddedChannel sending = new EmbeddedChannel(new TcpLoad.Discard(errors));
        sending.pipeline().fireExceptionCaught(new IOException("Connection reset by peer"));
        assertThat(errors.sum()).isEqualTo(1);
    }
}
