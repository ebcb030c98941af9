package org.dualchat.cli.bench;

import org.dualchat.cli.DualchatCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dualchat bench udp|tcp|relay}: the load generator, in the spirit of redis-benchmark. */
@Command(
        name = "bench",
        mixinStandardHelpOptions = true,
        description = {
            "Send a bounded load to a dualchat server (or any receiver) and report what was sent, what was"
                    + " received where it can be seen, the loss, the throughput, and for relay the latency.",
            "Every run stops after --count messages or --duration seconds, whichever comes first."
        },
        subcommands = {BenchUdpCommand.class, BenchTcpCommand.class, BenchRelayCommand.class, BenchIdleCommand.class})
public final class BenchCommand implements Runnable {

    @ParentCommand
    DualchatCli cli;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing load: udp, tcp, relay or idle");
    }
}
