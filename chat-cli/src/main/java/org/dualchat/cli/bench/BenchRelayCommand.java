package org.dualchat.cli.bench;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import org.dualchat.cli.DualchatCli;
import org.dualchat.loadgen.LoadResult;
import org.dualchat.loadgen.LoadSpec;
import org.dualchat.loadgen.RelayLoad;
import org.dualchat.loadgen.ServerReadings;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;

/** {@code dualchat bench relay HOST}: senders and receiving clients on a relaying server. */
@Command(
        name = "relay",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Connect --receivers clients and --senders clients to HOST's TCP port; the senders send stamped"
                    + " lines, the server relays each to every other client as 'SENDER : TEXT', and the"
                    + " receivers time them.",
            "Reports what the receivers got of what they should have (sent x receivers), the fan-out rate"
                    + " (relayed lines received per second, all receivers together) and the latency percentiles.",
            "Before the load, a probe line must reach every receiver within --wait seconds: else the server is"
                    + " said not to relay, and nothing is sent."
        })
final class BenchRelayCommand implements Callable<Integer> {

    @Mixin
    private TcpBenchOptions tcp;

    @Option(names = {"-r", "--rate"}, paramLabel = "MSGS", defaultValue = "1000",
            description = "Messages per second, all senders together; 0 for as fast as possible"
                    + " (default: ${DEFAULT-VALUE}).")
    private long rate;

    @Option(names = {"-c", "--senders", "--talkers"}, paramLabel = "N", defaultValue = "1",
            description = "Sending clients, the talkers; the rate is shared among them (default: ${DEFAULT-VALUE}).")
    private int senders;

    @Option(names = {"-R", "--receivers"}, paramLabel = "N", defaultValue = "100",
            description = "Receiving clients (default: ${DEFAULT-VALUE}).")
    private int receivers;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "10000",
            description = "Messages to send in all (default: ${DEFAULT-VALUE}).")
    private long count;

    @Option(names = "--receiver-port", paramLabel = "PORT",
            description = "Connect the receivers to this TCP port of HOST instead, spread in turn over every one"
                    + " given: other nodes of one room (--redis), while the senders talk to --port; repeatable.")
    private List<Integer> receiverPorts = new ArrayList<>();

    @Option(names = "--idle", paramLabel = "N", defaultValue = "0",
            description = "Clients that connect first and never read (default: ${DEFAULT-VALUE}).")
    private int idle;

    @Option(names = "--server-metrics", paramLabel = "URL",
            description = "The server's metrics endpoint (http://HOST:PORT/metrics): report its peak resident"
                    + " memory and the relays it missed or shed once the run is over.")
    private URI serverMetrics;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "0",
            description = "Most lines per write when behind schedule; 0 for 64 (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--warmup", paramLabel = "SECONDS", defaultValue = "0",
            description = "Before the run, send at its rate for this long through the same clients and time it"
                    + " apart: the figures are then those of a warm server and load generator, and the warm-up's"
                    + " own are reported on a line of their own (default: ${DEFAULT-VALUE}, none; at most 600).")
    private double warmupSeconds;

    @Override
    public Integer call() throws InterruptedException {
        LoadSpec load = tcp.options.toSpec(tcp.spec, tcp.port, rate, senders, "--senders", count, batch);
        BenchOptions.check(tcp.spec, "--receivers", receivers, 1, LoadSpec.MAX_CONNECTIONS);
        BenchOptions.check(tcp.spec, "--idle", idle, 0, LoadSpec.MAX_CONNECTIONS);
        receiverPorts.forEach(p -> BenchOptions.check(tcp.spec, "--receiver-port", p, 1, 65535));
        if (!(warmupSeconds >= 0 && warmupSeconds <= LoadSpec.MAX_DURATION.toSeconds())) {
            throw new ParameterException(tcp.spec.commandLine(), "Invalid value for option '--warmup': " + warmupSeconds
                    + " (expected: 0-" + LoadSpec.MAX_DURATION.toSeconds() + ")");
        }
        Duration warmUp = Duration.ofNanos((long) (warmupSeconds * 1e9));
        BenchOptions options = tcp.options;
        LoadResult result = BenchRun.run(options.host,
                // --wait bounds the wait for the receivers before the load as well as after it: the probe line.
                () -> RelayLoad.run(load, receivers, idle, options.quiet(), options.maxWait(), options.maxWait(),
                        receiverPorts, warmUp));
        PrintWriter out = tcp.spec.commandLine().getOut();
        BenchReport.print(out, "relay", load, "senders=" + senders + " receivers=" + receivers + " idle=" + idle
                + (receiverPorts.isEmpty() ? "" : " receiver_ports=" + receiverPorts.size()),
                "relayed lines read by the receivers", result, tcp.options.keyValue);
        if (serverMetrics != null) {
            printServer(out, serverMetrics);
        }
        return DualchatCli.OK;
    }

    private void printServer(PrintWriter out, URI uri) throws InterruptedException {
        Map<String, Long> readings;
        try {
            readings = ServerReadings.read(uri);
        } catch (IOException e) {
            out.println(tcp.options.keyValue ? "server_metrics=unreadable" : "  server    metrics unreadable: " + e.getMessage());
            return;
        }
        if (tcp.options.keyValue) {
            readings.forEach((name, value) -> out.println("server_" + name + "=" + value));
            return;
        }
        Long rss = readings.get("peak_rss_bytes");
        out.printf(Locale.ROOT, "  server    peak RSS %s, relays sent %,d, missed %,d, shed %,d (%s)%n",
                rss == null ? "not exposed" : String.format(Locale.ROOT, "%,.1f MB", rss / 1e6),
                readings.getOrDefault("relays_sent", 0L), readings.getOrDefault("relays_missed", 0L),
                readings.getOrDefault("relays_shed", 0L), uri);
    }
}
