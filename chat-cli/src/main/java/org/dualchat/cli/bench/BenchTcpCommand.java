package org.dualchat.cli.bench;

import java.util.concurrent.Callable;
import org.dualchat.cli.DualchatCli;
import org.dualchat.loadgen.LoadResult;
import org.dualchat.loadgen.LoadSpec;
import org.dualchat.loadgen.ReceivedCounter;
import org.dualchat.loadgen.TcpLoad;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dualchat bench tcp HOST}: lines over one or more connections. */
@Command(
        name = "tcp",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Send lines to HOST over one or more TCP connections, at --rate or as fast as the server reads.",
            "With --count-file, count the lines the server printed to that file (its redirected stdout),"
                    + " waiting until it stops growing, and report the loss; or, with --count-metrics, the lines"
                    + " its metrics endpoint says it received."
        })
final class BenchTcpCommand implements Callable<Integer> {

    @Mixin
    private TcpBenchOptions tcp;

    @Option(names = {"-r", "--rate"}, paramLabel = "MSGS", defaultValue = "0",
            description = "Lines per second, all connections together; 0 for as fast as possible"
                    + " (default: ${DEFAULT-VALUE}).")
    private long rate;

    @Option(names = {"-c", "--connections"}, paramLabel = "N", defaultValue = "1",
            description = "TCP connections, all open before the first line (default: ${DEFAULT-VALUE}).")
    private int connections;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "1000000",
            description = "Lines to send in all (default: ${DEFAULT-VALUE}).")
    private long count;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "0",
            description = "Lines per write; 0 for as many as fit in 64 KB, 1 for one line per write"
                    + " (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--no-read",
            description = "The connections read nothing (not the greeting, not relays) while the load runs:"
                    + " clients that never read. Each half-closes after its last line; all read to the end once"
                    + " every line is counted (or the count went quiet).")
    private boolean noRead;

    @Mixin
    private CountOptions counting;

    @Override
    public Integer call() throws InterruptedException {
        LoadSpec load = tcp.options.toSpec(tcp.spec, tcp.port, rate, connections, "--connections", count, batch);
        ReceivedCounter counter = counting.counter(tcp.spec, "tcp");
        BenchOptions options = tcp.options;
        LoadResult result = BenchRun.run(options.host, () -> TcpLoad.run(load, counter, options.quiet(),
                options.maxWait(), !noRead));
        BenchReport.print(tcp.spec.commandLine().getOut(), "tcp", load, "connections=" + connections + (noRead ? " no-read" : ""),
                counter.description(), result, tcp.options.keyValue);
        return DualchatCli.OK;
    }
}
