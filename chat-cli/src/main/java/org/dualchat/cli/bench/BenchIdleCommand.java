package org.dualchat.cli.bench;

import java.io.PrintWriter;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.dualchat.cli.DualchatCli;
import org.dualchat.cli.Ports;
import org.dualchat.loadgen.IdleLoad;
import org.dualchat.loadgen.LoadSpec;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code dualchat bench idle HOST}: a crowd of clients that connect, read their greeting and stay quiet. */
@Command(
        name = "idle",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Connect --clients TCP clients to HOST, each reading its greeting line and then nothing more; hold"
                    + " them for --hold seconds, then half-close each and read it to the end.",
            "Reports how long connecting them all took, how many were greeted within --wait seconds of the"
                    + " last connect, and how long the greetings took from each connect: the median, the 99th"
                    + " percentile, the slowest, and how many took a second or more (a client whose SYN the"
                    + " server's kernel dropped, its accept queue full, connects at its retry a second later)."
        })
final class BenchIdleCommand implements Callable<Integer> {

    @Mixin
    private TcpBenchOptions tcp;

    @Option(names = {"-c", "--clients"}, paramLabel = "N", defaultValue = "1000",
            description = "Clients to connect (default: ${DEFAULT-VALUE}).")
    private int clients;

    @Option(names = "--hold", paramLabel = "SECONDS", defaultValue = "3",
            description = "How long to hold them all once greeted (default: ${DEFAULT-VALUE}).")
    private int hold;

    @Override
    public Integer call() throws InterruptedException {
        Ports.check(tcp.spec, "--port", tcp.port, 1);
        BenchOptions.check(tcp.spec, "--clients", clients, 1, LoadSpec.MAX_CONNECTIONS);
        BenchOptions.check(tcp.spec, "--hold", hold, 0, 600);
        BenchOptions options = tcp.options;
        IdleLoad.Result result = BenchRun.runAny(options.host, () -> IdleLoad.run(options.host, tcp.port, clients,
                options.transport, options.maxWait(), Duration.ofSeconds(hold)));
        PrintWriter out = tcp.spec.commandLine().getOut();
        double connectSeconds = result.connectNanos() / 1e9;
        double slowestMillis = result.slowestGreetingNanos() / 1e6;
        double medianMillis = result.medianGreetingNanos() / 1e6;
        double p99Millis = result.p99GreetingNanos() / 1e6;
        if (tcp.options.keyValue) {
            out.printf(Locale.ROOT, "clients=%d connected=%d connect_seconds=%.3f greeted=%d slowest_greeting_ms=%.1f"
                    + " greeting_p50_ms=%.1f greeting_p99_ms=%.1f greeted_after_1s=%d%n",
                    clients, result.connected(), connectSeconds, result.greeted(), slowestMillis, medianMillis,
                    p99Millis, result.lateGreetings());
        } else {
            out.printf(Locale.ROOT, "bench idle %s:%d  clients=%d%n", tcp.options.host, tcp.port, clients);
            out.printf(Locale.ROOT, "  connected %,d in %.3f s%n", result.connected(), connectSeconds);
            out.printf(Locale.ROOT, "  greeted   %,d of %,d; after its connect: median %.1f ms, p99 %.1f ms,"
                    + " the slowest %.1f ms; %,d after a second or more%n",
                    result.greeted(), clients, medianMillis, p99Millis, slowestMillis, result.lateGreetings());
        }
        return DualchatCli.OK;
    }
}
