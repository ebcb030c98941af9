package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ListeningPortTest {

    @Test
    void aPortIsBoundByAsManySocketsAsItsConnectionLimitNeedsQueuesUpToSixteen() {
        assertThat(ListeningPort.socketsFor(4096, 4096, true)).as("the default limit and somaxconn").isEqualTo(1);
        assertThat(ListeningPort.socketsFor(100, 4096, true)).isEqualTo(1);
        assertThat(ListeningPort.socketsFor(4097, 4096, true)).isEqualTo(2);
        assertThat(ListeningPort.socketsFor(10_000, 4096, true)).isEqualTo(3);
        assertThat(ListeningPort.socketsFor(256, 64, true)).isEqualTo(4);
        assertThat(ListeningPort.socketsFor(Integer.MAX_VALUE, 4096, true)).isEqualTo(ListeningPort.MAX_SOCKETS);
    }

    @Test
    void withoutReusePortOrWithoutAQueueLengthAPortIsOneSocket() {
        assertThat(ListeningPort.socketsFor(10_000, 4096, false)).isEqualTo(1);
        assertThat(ListeningPort.socketsFor(10_000, 0, true)).isEqualTo(1);
    }
}
