package org.dualchat.cli;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What the process does with an error no thread caught. */
class FatalErrorHandlerTest {

    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final List<Integer> halts = new ArrayList<>();
    private final FatalErrorHandler handler = new FatalErrorHandler(new PrintStream(err, true, UTF_8), halts::add);

    @Test
    void outOfMemoryPrintsOneLineAndHaltsNonZero() {
        handler.uncaughtException(new Thread("worker-1"), new OutOfMemoryError("Java heap space"));
        assertThat(halts).containsExactly(1);
        assertThat(err.toString(UTF_8)).isEqualTo(
                "dualchat: fatal java.lang.OutOfMemoryError: Java heap space in thread worker-1; exiting"
                        + System.lineSeparator());
    }

    @Test
    void anOrdinaryUncaughtExceptionDoesNotStopTheProcess() {
        handler.uncaughtException(new Thread("worker-2"), new IllegalStateException("bug"));
        assertThat(halts).isEmpty();
        assertThat(err.toString(UTF_8)).isEmpty();
    }
}
