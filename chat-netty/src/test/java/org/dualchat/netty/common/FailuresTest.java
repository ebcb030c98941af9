package org.dualchat.netty.common;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/** Which errors a channel survives and which go to the process. */
class FailuresTest {

    @Test
    void outOfMemoryIsFatalEvenWrapped() {
        assertThat(Failures.isFatal(new OutOfMemoryError())).isTrue();
        assertThat(Failures.isFatal(new RuntimeException("decoding", new OutOfMemoryError()))).isTrue();
        assertThat(Failures.isFatal(new StackOverflowError())).isTrue();
        assertThat(Failures.isFatal(new IOException("Connection reset by peer"))).isFalse();
        assertThat(Failures.isFatal(new IllegalStateException("bug"))).isFalse();
    }

    @Test
    void escalateHandsTheErrorToTheThreadsUncaughtExceptionHandler() throws InterruptedException {
        AtomicReference<Throwable> seen = new AtomicReference<>();
        OutOfMemoryError oom = new OutOfMemoryError("Direct buffer memory");
        Thread thread = new Thread(() -> Failures.escalate(oom));
        thread.setUncaughtExceptionHandler((t, e) -> seen.set(e));
        thread.start();
        thread.join();
        assertThat(seen.get()).isSameAs(oom);
    }
}
