package org.dualchat.cli.server;

import java.time.Duration;
import java.time.temporal.ChronoUnit;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.metrics.ObservabilityOptions;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --metrics-port}, {@code --metrics-bind} and {@code --stats-interval}: what the server tells operators. */
final class MetricsOptions implements ServerOptionGroup {

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics on http://ADDRESS:PORT/metrics and a health check on /health;"
                    + " 0 picks a free port (default: no metrics endpoint).")
    Integer metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS",
            description = "The address of the metrics endpoint (default: loopback, so that only this machine"
                    + " can read it).")
    String metricsBind;

    @Option(names = "--stats-interval", paramLabel = "SECONDS",
            defaultValue = "" + ObservabilityOptions.DEFAULT_STATS_INTERVAL_SECONDS,
            description = "Log a one-line summary of the counts every SECONDS while they change; 0 for never."
                    + " One is always logged at shutdown (default: ${DEFAULT-VALUE}).")
    long statsInterval;

    /** Puts the options in {@code config}; a bad value is a usage error. */
    @Override
    public void applyTo(ChatServerConfig.Builder config, OptionValues values, CommandSpec spec) {
        if (metricsPort != null) {
            values.set("--metrics-port", metricsPort, () -> config.metricsPort(metricsPort));
        } else if (metricsBind != null) {
            throw new ParameterException(spec.commandLine(), "--metrics-bind needs --metrics-port");
        }
        if (metricsBind != null) {
            config.metricsAddress(values.address("--metrics-bind", metricsBind));
        }
        values.set("--stats-interval", statsInterval, ChronoUnit.SECONDS,
                () -> config.statsInterval(Duration.ofSeconds(statsInterval)));
    }
}
