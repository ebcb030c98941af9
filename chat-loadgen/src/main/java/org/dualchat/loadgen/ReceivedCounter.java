package org.dualchat.loadgen;

import java.io.IOException;
import java.time.Duration;

/**
 * Where a load generator sees what the receiver got: the lines of the server's output file
 * ({@link FileLineCounter}), the counters of its metrics endpoint ({@link MetricsCounter}), the
 * receiving clients' own counts for relay. Only the
 * difference between two readings means anything, so a counter may start anywhere.
 *
 * <pre>{@code
 * ReceivedCounter counter = new FileLineCounter(Path.of("out.txt"));
 * LoadResult result = UdpLoad.run(spec, counter);
 * }</pre>
 */
public interface ReceivedCounter {

    /** The receiver's running total of messages received; read from one thread at a time. */
    long count() throws IOException;

    /** What is counted, for the report: {@code "lines in out.txt"}. */
    String description();

    /** How often to read the count while a run goes on: the precision of the run's end time. */
    default Duration pollInterval() {
        return Duration.ofMillis(2);
    }

    /** A counter for when nothing can be seen of the receiver: always 0, and the report says so. */
    ReceivedCounter NONE = new ReceivedCounter() {
        @Override
        public long count() {
            return 0;
        }

        @Override
        public String description() {
            return "nothing (no --count-file)";
        }
    };
}
