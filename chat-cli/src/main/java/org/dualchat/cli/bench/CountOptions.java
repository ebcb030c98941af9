package org.dualchat.cli.bench;

import java.net.URI;
import java.nio.file.Path;
import org.dualchat.loadgen.ReceivedCounter;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;

/** Where {@code bench udp} and {@code bench tcp} see what the server received: its output file, or its metrics. */
final class CountOptions {

    @Option(names = "--count-file", paramLabel = "FILE",
            description = "The receiver's output file, one line per message received.")
    private Path countFile;

    @Option(names = "--count-metrics", paramLabel = "URL",
            description = "The server's metrics endpoint (http://HOST:PORT/metrics): count the lines it"
                    + " received over the protocol under load, instead of --count-file.")
    private URI countMetrics;

    /** The counter these options ask for, counting lines received over {@code protocol}. */
    ReceivedCounter counter(CommandSpec spec, String protocol) {
        return BenchOptions.counter(spec, countFile, countMetrics, protocol);
    }
}
