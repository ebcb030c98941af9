package org.dualchat.cli.bench;

import java.util.concurrent.Callable;
import org.dualchat.cli.DualchatCli;
import org.dualchat.loadgen.LoadResult;
import org.dualchat.loadgen.LoadSpec;
import org.dualchat.loadgen.RelayLoad;
import org.dualchat.netty.ChatServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

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
                    + " (relayed lines received per second, all receivers together) and the latency percentiles."
        })
final class BenchRelayCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private BenchOptions options;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "" + ChatServerConfig.DEFAULT_TCP_PORT,
            description = "The server's TCP port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = {"-r", "--rate"}, paramLabel = "MSGS", defaultValue = "1000",
            description = "Messages per second, all senders together; 0 for as fast as possible"
                    + " (default: ${DEFAULT-VALUE}).")
    private long rate;

    @Option(names = {"-c", "--senders"}, paramLabel = "N", defaultValue = "1",
            description = "Sending clients (default: ${DEFAULT-VALUE}).")
    private int senders;

    @Option(names = {"-R", "--receivers"}, paramLabel = "N", defaultValue = "100",
            description = "Receiving clients (default: ${DEFAULT-VALUE}).")
    private int receivers;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "10000",
            description = "Messages to send in all (default: ${DEFAULT-VALUE}).")
    private long count;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "0",
            description = "Most lines per write when behind schedule; 0 for 64 (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Override
    public Integer call() throws InterruptedException {
        LoadSpec load = options.toSpec(spec, port, rate, senders, "--senders", count, batch);
        BenchOptions.check(spec, "--receivers", receivers, 1, LoadSpec.MAX_CONNECTIONS);
        LoadResult result = BenchRun.run(options.host, () -> RelayLoad.run(load, receivers, options.quiet(), options.maxWait()));
        BenchReport.print(spec.commandLine().getOut(), "relay", load,
                "senders=" + senders + " receivers=" + receivers, "relayed lines read by the receivers", result,
                options.keyValue);
        return DualchatCli.OK;
    }
}
