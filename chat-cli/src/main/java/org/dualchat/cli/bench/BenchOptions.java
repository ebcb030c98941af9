package org.dualchat.cli.bench;

import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import org.dualchat.cli.Ports;
import org.dualchat.cli.TransportConverter;
import org.dualchat.loadgen.FileLineCounter;
import org.dualchat.loadgen.LoadSpec;
import org.dualchat.loadgen.MetricsCounter;
import org.dualchat.loadgen.ReceivedCounter;
import org.dualchat.netty.common.TransportType;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Parameters;

/** What every {@code bench} load shares: where to, how big, how long, and how the report looks. */
final class BenchOptions {

    @Parameters(index = "0", paramLabel = "HOST", description = "The server: a name or an IP address.")
    String host;

    @Option(names = {"-s", "--size"}, paramLabel = "BYTES", defaultValue = "64",
            description = "Bytes of text per message; the newline comes on top (default: ${DEFAULT-VALUE}).")
    int size;

    @Option(names = {"-d", "--duration"}, paramLabel = "SECONDS", defaultValue = "30",
            description = "Stop sending after this long even if --count is not reached"
                    + " (default: ${DEFAULT-VALUE}, at most 600).")
    double durationSeconds;

    @Option(names = "--wait", paramLabel = "SECONDS", defaultValue = "10",
            description = "After sending, wait at most this long for the receiver to show everything"
                    + " (default: ${DEFAULT-VALUE}, at most 600).")
    double waitSeconds;

    @Option(names = "--quiet-ms", paramLabel = "MILLIS", defaultValue = "1000",
            description = "After sending, stop waiting once the received count has not grown for this long"
                    + " (default: ${DEFAULT-VALUE}).")
    long quietMillis;

    @Option(names = "--transport", paramLabel = "auto|epoll|nio", defaultValue = "auto",
            converter = TransportConverter.class,
            description = "Netty transport of the load: native epoll where available, or NIO"
                    + " (default: ${DEFAULT-VALUE}).")
    TransportType transport;

    @Option(names = "--kv",
            description = "Print one line of key=value pairs instead of the report, for scripts.")
    boolean keyValue;

    /** The spec, or a usage error naming the option at fault. */
    LoadSpec toSpec(CommandSpec spec, int port, long rate, int connections, String connectionsOption,
            long count, int batch) {
        Ports.check(spec, "--port", port, 1);
        check(spec, "--size", size, 1, 65_506);
        check(spec, "--rate", rate, 0, Long.MAX_VALUE);
        check(spec, connectionsOption, connections, 1, LoadSpec.MAX_CONNECTIONS);
        check(spec, "--count", count, connections, Long.MAX_VALUE);
        check(spec, "--batch", batch, 0, 1 << 20);
        check(spec, "--quiet-ms", quietMillis, 1, 600_000);
        Duration duration = seconds(spec, "--duration", durationSeconds);
        seconds(spec, "--wait", waitSeconds);
        return new LoadSpec(host, port, rate, size, connections, count, duration, transport, batch);
    }

    Duration quiet() {
        return Duration.ofMillis(quietMillis);
    }

    Duration maxWait() {
        return Duration.ofNanos((long) (waitSeconds * 1e9));
    }

    private static Duration seconds(CommandSpec spec, String option, double value) {
        if (!(value > 0 && value <= LoadSpec.MAX_DURATION.toSeconds())) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': "
                    + value + " (expected: more than 0, at most " + LoadSpec.MAX_DURATION.toSeconds() + ")");
        }
        return Duration.ofNanos((long) (value * 1e9));
    }

    static void check(CommandSpec spec, String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': "
                    + value + " (expected: " + min + (max == Long.MAX_VALUE ? " or more" : "-" + max) + ")");
        }
    }

    /** What to count received messages with: the output file, the metrics endpoint, or nothing. */
    static ReceivedCounter counter(CommandSpec spec, Path file, URI metrics, String protocol) {
        if (file != null && metrics != null) {
            throw new ParameterException(spec.commandLine(), "--count-file and --count-metrics are mutually exclusive");
        }
        if (file != null) {
            return new FileLineCounter(file);
        }
        if (metrics != null) {
            if (!"http".equals(metrics.getScheme()) || metrics.getHost() == null) {
                throw new ParameterException(spec.commandLine(), "Invalid value for option '--count-metrics': '"
                        + metrics + "' (expected: http://HOST:PORT/metrics)");
            }
            return MetricsCounter.of(metrics, protocol);
        }
        return ReceivedCounter.NONE;
    }
}
