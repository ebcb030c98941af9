package org.dualchat.cli.send;

import org.dualchat.cli.DualchatCli;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dualchat send udp|tcp}: the senders that replace the seeds' sender scripts. */
@Command(
        name = "send",
        mixinStandardHelpOptions = true,
        description = {
            "Send each line of stdin, or one message given with -m, to a dualchat server.",
            "On a terminal, what the server sends back appears above the line being typed."
        },
        subcommands = {SendUdpCommand.class, SendTcpCommand.class})
public final class SendCommand implements Runnable {

    @ParentCommand
    DualchatCli cli;

    @Spec
    private CommandSpec spec;

    @Override
    public void run() {
        throw new ParameterException(spec.commandLine(), "Missing protocol: udp or tcp");
    }
}
