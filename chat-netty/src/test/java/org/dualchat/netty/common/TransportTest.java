package org.dualchat.netty.common;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.EventExecutor;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.Test;

/** The server's default event loop count: one fewer than the cores, at least one, unless asked otherwise. */
class TransportTest {

    @Test
    void leavesOneCoreToThePrintingThreadByDefault() {
        assertThat(Transport.serverThreads(0, 1)).isEqualTo(1);
        assertThat(Transport.serverThreads(0, 2)).isEqualTo(1);
        assertThat(Transport.serverThreads(0, 8)).isEqualTo(7);
    }

    @Test
    void aCountAskedForIsTaken() {
        assertThat(Transport.serverThreads(4, 2)).isEqualTo(4);
        assertThat(Transport.serverThreads(1, 16)).isEqualTo(1);
    }

    @Test
    void nettysPropertyWinsOverTheDefault() {
        String before = System.getProperty(Transport.EVENT_LOOP_THREADS_PROPERTY);
        System.setProperty(Transport.EVENT_LOOP_THREADS_PROPERTY, "3");
        try {
            // 0: Netty's default, which reads the property.
            assertThat(Transport.serverThreads(0, 2)).isZero();
            assertThat(Transport.serverThreads(2, 2)).isEqualTo(2);
        } finally {
            if (before == null) {
                System.clearProperty(Transport.EVENT_LOOP_THREADS_PROPERTY);
            } else {
                System.setProperty(Transport.EVENT_LOOP_THREADS_PROPERTY, before);
            }
        }
    }

    @Test
    void theGroupHasThatManyLoops() {
        Transport transport = Transport.of(TransportType.AUTO);
        EventLoopGroup group = transport.newGroup(Transport.serverThreads(0, 3), Executors.defaultThreadFactory());
        try {
            int loops = 0;
            for (EventExecutor ignored : group) {
                loops++;
            }
            assertThat(loops).isEqualTo(2);
        } finally {
            Transport.shutdown(group);
        }
    }
}
