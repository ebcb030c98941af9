package org.dualchat.netty.limit;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class LimitsTest {

    @Test
    void aConnectionLimitTheKernelsAcceptQueueCannotHoldAtOnceIsPointedOut() {
        assertThat(Limits.acceptQueueNote(4096, 4096)).isNull();
        assertThat(Limits.acceptQueueNote(1000, 4096)).isNull();
        assertThat(Limits.acceptQueueNote(20000, 4096))
                .contains("at most 4096 connections", "net.core.somaxconn", "20000", "raise the sysctl");
    }
}
