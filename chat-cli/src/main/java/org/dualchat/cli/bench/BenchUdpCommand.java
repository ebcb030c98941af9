package org.dualchat.cli.bench;

import java.util.concurrent.Callable;
import org.dualchat.cli.DualchatCli;
import org.dualchat.loadgen.LoadResult;
import org.dualchat.loadgen.LoadSpec;
import org.dualchat.loadgen.ReceivedCounter;
import org.dualchat.loadgen.UdpLoad;
import org.dualchat.netty.ChatServerConfig;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dualchat bench udp HOST}: one line per datagram, batched into sendmmsg calls, and sent as segmented sends
 * where the kernel offers them.
 */
@Command(
        name = "udp",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Send one-line datagrams to HOST from one or more sockets, at --rate or as fast as possible.",
            "With --count-file, count the lines the server printed to that file (its redirected stdout),"
                    + " waiting until it stops growing, and report the loss; or, with --count-metrics, the lines"
                    + " its metrics endpoint says it received."
        })
final class BenchUdpCommand implements Callable<Integer> {

    @Spec
    private CommandSpec spec;

    @Mixin
    private BenchOptions options;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "" + ChatServerConfig.DEFAULT_UDP_PORT,
            description = "The server's UDP port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = {"-r", "--rate"}, paramLabel = "MSGS", defaultValue = "0",
            description = "Datagrams per second, all senders together; 0 for as fast as possible"
                    + " (default: ${DEFAULT-VALUE}).")
    private long rate;

    @Option(names = {"-c", "--senders"}, paramLabel = "N", defaultValue = "1",
            description = "Sending sockets, each from its own port (default: ${DEFAULT-VALUE}).")
    private int senders;

    @Option(names = {"-n", "--count"}, paramLabel = "N", defaultValue = "1000000",
            description = "Datagrams to send in all (default: ${DEFAULT-VALUE}).")
    private long count;

    @Option(names = "--batch", paramLabel = "N", defaultValue = "" + UdpLoad.DEFAULT_BATCH,
            description = "Datagrams written before each flush: one sendmmsg call on epoll"
                    + " (default: ${DEFAULT-VALUE}).")
    private int batch;

    @Option(names = "--gso", negatable = true, defaultValue = "true", fallbackValue = "true",
            description = "Send up to 64 datagrams of a batch as one segmented send (UDP_SEGMENT, Linux 4.18+ on"
                    + " epoll), which the kernel cuts into the same datagrams; the report's transport says"
                    + " epoll+gso when it did. --no-gso: one send each, in sendmmsg calls (default: on where"
                    + " available).")
    private boolean gso;

    @Mixin
    private CountOptions counting;

    @Override
    public Integer call() throws InterruptedException {
        LoadSpec load = options.toSpec(spec, port, rate, senders, "--senders", count, batch);
        BenchOptions.check(spec, "--size", options.size, 1, UdpLoad.MAX_PAYLOAD - 1);
        ReceivedCounter counter = counting.counter(spec, "udp");
        LoadResult result = BenchRun.run(options.host, () -> UdpLoad.run(load, counter, options.quiet(), options.maxWait(), gso));
        BenchReport.print(spec.commandLine().getOut(), "udp", load, "senders=" + senders,
                counter.description(), result, options.keyValue);
        return DualchatCli.OK;
    }
}
