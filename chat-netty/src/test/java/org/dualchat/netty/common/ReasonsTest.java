package org.dualchat.netty.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.nio.channels.ClosedChannelException;
import javax.net.ssl.SSLHandshakeException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReasonsTest {

    @Test
    void theInnermostMessageWithoutNettysAddress() {
        ConnectException refused = new ConnectException("Connection refused");
        ConnectException annotated = new ConnectException("Connection refused: /127.0.0.1:2222");
        annotated.initCause(refused);
        assertThat(Reasons.of(annotated)).isEqualTo("Connection refused");
        assertThat(Reasons.of(new ConnectException("Connection refused: /127.0.0.1:2222")))
                .isEqualTo("Connection refused");
    }

    @Test
    void withoutTheNativeCallInFront() {
        assertThat(Reasons.of(new BindException("bind(..) failed: Address already in use")))
                .isEqualTo("Address already in use");
        assertThat(Reasons.of(new ConnectException("connect(..) failed with error(-111): Connection refused")))
                .isEqualTo("Connection refused");
    }

    @Test
    void theFirstLineOfAWrappedLibraryMessage() {
        IOException wrapped = new IOException("outer", new IllegalStateException("unknown tag 13 encountered\nat 0x1f"));
        assertThat(Reasons.of(wrapped)).isEqualTo("unknown tag 13 encountered");
        assertThat(Reasons.of(new SSLHandshakeException("  PKIX path building failed  "))).isEqualTo("PKIX path building failed");
    }

    @Test
    void theOuterMessageOrTheClassWhenTheInnermostHasNone() {
        assertThat(Reasons.of(new IOException("cannot read", new ClosedChannelException()))).isEqualTo("cannot read");
        assertThat(Reasons.of(new ClosedChannelException())).isEqualTo("ClosedChannelException");
        assertThat(Reasons.of(new IOException("a file: /tmp/x"))).as("only Netty's socket errors carry an address")
                .isEqualTo("a file: /tmp/x");
    }
}
