package org.dualchat.cli.send;

import java.io.IOException;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import org.dualchat.cli.CommandFailure;
import org.dualchat.cli.DualchatCli;
import org.dualchat.cli.LoggingOptions;
import org.dualchat.cli.Ports;
import org.dualchat.cli.console.ChatConsole;
import org.dualchat.cli.format.ReceivedFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.client.LineTooLongException;
import org.dualchat.netty.client.UdpSender;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dualchat send udp HOST}: each line one datagram. */
@Command(
        name = "udp",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Send each line of stdin to HOST as one UDP datagram.",
            "A line longer than one datagram holds (" + UdpSender.MAX_PAYLOAD + " bytes of UTF-8) is reported"
                    + " on stderr and skipped; the others are sent, and the exit code is 1.",
            "UDP does not say whether anyone listens: sending to a port nobody listens on is not an error.",
            "Lines the server relays back (when it runs with --udp-relay) are printed as they come."
        })
final class SendUdpCommand implements Callable<Integer> {

    @ParentCommand
    private SendCommand parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private SendOptions send;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "" + ChatServerConfig.DEFAULT_UDP_PORT,
            description = "The server's UDP port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Mixin
    private LoggingOptions logging;

    @Override
    public Integer call() throws InterruptedException {
        Ports.check(spec, "--port", port, 1);
        logging.apply();
        DualchatCli cli = parent.cli;
        if (send.message != null) {
            UdpSender sender = open(null);
            try {
                sendOne(sender);
            } catch (IOException e) {
                throw ClientSession.failure(e);
            } finally {
                sender.close();
            }
            return checked(sender, true);
        }
        boolean allSent;
        UdpSender sender = null;
        try (ChatConsole console = ChatConsole.open(cli, UdpSender.MAX_PAYLOAD)) {
            // What the server relays back (with --udp-relay) is shown as send tcp shows the room.
            PrintingSink shown = new PrintingSink(console.output(), ReceivedFormat.text(console.isTerminal()));
            try {
                sender = open(shown);
                allSent = ClientSession.pump(
                        console, UdpSender.MAX_PAYLOAD, "one datagram", sender::send, line -> false);
            } finally {
                if (sender != null) {
                    sender.close();
                }
                shown.close();
            }
        } catch (IOException e) {
            throw ClientSession.failure(e);
        }
        return checked(sender, allSent);
    }

    private UdpSender open(PrintingSink shown) {
        try {
            return UdpSender.open(send.host, port, shown);
        } catch (UnknownHostException e) {
            throw new CommandFailure("unknown host '" + send.host + "'", e);
        } catch (IOException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }

    private static int checked(UdpSender sender, boolean allSent) {
        if (sender.failed() > 0) {
            throw new CommandFailure(sender.failed() + " datagrams could not be sent", null);
        }
        return allSent ? DualchatCli.OK : DualchatCli.FAILURE;
    }

    private void sendOne(UdpSender sender) throws IOException, InterruptedException {
        try {
            sender.send(send.message);
        } catch (LineTooLongException e) {
            throw new CommandFailure("message not sent: " + e.getMessage(), e);
        }
    }
}
