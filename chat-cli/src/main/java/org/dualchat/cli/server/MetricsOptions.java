package org.dualchat.cli.server;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import org.dualchat.cli.Ports;
import org.dualchat.netty.ChatServerConfig;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code --metrics-port}, {@code --metrics-bind} and {@code --stats-interval}: what the server tells operators. */
final class MetricsOptions {

    /** The longest --stats-interval: a day. */
    static final long MAX_STATS_INTERVAL = Duration.ofDays(1).toSeconds();

    @Option(names = "--metrics-port", paramLabel = "PORT",
            description = "Serve Prometheus metrics on http://ADDRESS:PORT/metrics and a health check on /health;"
                    + " 0 picks a free port (default: no metrics endpoint).")
    Integer metricsPort;

    @Option(names = "--metrics-bind", paramLabel = "ADDRESS",
            description = "The address of the metrics endpoint (default: loopback, so that only this machine"
                    + " can read it).")
    String metricsBind;

    @Option(names = "--stats-interval", paramLabel = "SECONDS", defaultValue = "0",
            description = "Log a one-line summary of the counts every SECONDS while they change; 0 for never."
                    + " One is always logged at shutdown (default: ${DEFAULT-VALUE}).")
    long statsInterval;

    /** Checks the options and puts them in {@code config}; a bad value is a usage error. */
    void applyTo(ChatServerConfig.Builder config, CommandSpec spec) {
        if (metricsPort != null) {
            Ports.check(spec, "--metrics-port", metricsPort, 0);
            config.metricsPort(metricsPort);
        } else if (metricsBind != null) {
            throw new ParameterException(spec.commandLine(), "--metrics-bind needs --metrics-port");
        }
        if (metricsBind != null) {
            try {
                config.metricsAddress(InetAddress.getByName(metricsBind));
            } catch (UnknownHostException e) {
                throw new ParameterException(spec.commandLine(),
                        "Invalid value for option '--metrics-bind': unknown host '" + metricsBind + "'");
            }
        }
        if (statsInterval < 0 || statsInterval > MAX_STATS_INTERVAL) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '--stats-interval': "
                    + statsInterval + " (expected: 0-" + MAX_STATS_INTERVAL + ")");
        }
        config.statsInterval(Duration.ofSeconds(statsInterval));
    }
}
