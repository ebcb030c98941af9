package org.dualchat.cli.send;

import java.io.IOException;
import java.net.UnknownHostException;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.dualchat.cli.CommandFailure;
import org.dualchat.cli.DualchatCli;
import org.dualchat.cli.LoggingOptions;
import org.dualchat.cli.Ports;
import org.dualchat.cli.console.ChatConsole;
import org.dualchat.cli.format.ColorMode;
import org.dualchat.cli.format.ReceivedFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.client.PeerChat;
import org.dualchat.netty.client.UdpSender;
import org.dualchat.netty.common.Addresses;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dualchat peer HOST}: the seeds' two-way UDP chat, both ways at once. */
@Command(
        name = "peer",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Chat with another peer over UDP: listen on --port, send each line of stdin to HOST:--peer-port,"
                    + " and print what arrives as 'ip : text' (in cyan on a terminal).",
            "'" + PeerChat.BYE + "', typed or received, ends the chat; so does the end of stdin."
        })
public final class PeerCommand implements Callable<Integer> {

    @ParentCommand
    private DualchatCli cli;

    @Spec
    private CommandSpec spec;

    @Parameters(index = "0", paramLabel = "HOST",
            description = "The other peer: a name, an IPv4 address or an IPv6 address.")
    private String host;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "1234",
            description = "The UDP port to listen on; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--peer-port", paramLabel = "PORT", defaultValue = "1084",
            description = "The UDP port the other peer listens on (default: ${DEFAULT-VALUE}).")
    private int peerPort;

    @Option(names = "--color", paramLabel = "WHEN", defaultValue = "auto", converter = ColorMode.Converter.class,
            description = "Colour received text: auto (on a terminal, unless NO_COLOR is set), always or never"
                    + " (default: ${DEFAULT-VALUE}).")
    private ColorMode color;

    @Mixin
    private LoggingOptions logging;

    @Override
    public Integer call() throws InterruptedException {
        Ports.check(spec, "--port", port, 0);
        Ports.check(spec, "--peer-port", peerPort, 1);
        logging.apply();
        try (ChatConsole console = ChatConsole.open(cli, UdpSender.MAX_PAYLOAD)) {
            boolean colored = color.enabled(console.isTerminal(), System.getenv());
            PrintingSink shown = new PrintingSink(console.output(), ReceivedFormat.peer(colored, console.isTerminal()));
            try (PeerChat chat = open(shown)) {
                // Rather than a bare prompt: where this peer listens and sends, and how to end.
                console.hint("Listening on UDP port " + chat.localAddress().getPort() + ", sending to "
                        + Addresses.withPort(chat.peer()) + ": type a line and Enter to send it; "
                        + PeerChat.BYE + " (sent or received) ends the chat");
                CompletableFuture<Boolean> input = ClientSession.onInputThread(() -> ClientSession.pump(
                        console, UdpSender.MAX_PAYLOAD, "one datagram", chat::send, PeerChat.BYE::equals));
                ClientSession.awaitEither(input, chat.ended());
                // Ended by the peer's Bye while the user may still be typing: what they sent so far counts.
                return !input.isDone() || ClientSession.valueOf(input) ? DualchatCli.OK : DualchatCli.FAILURE;
            } finally {
                shown.close();
            }
        }
    }

    private PeerChat open(PrintingSink shown) {
        try {
            return PeerChat.open(port, host, peerPort, shown);
        } catch (UnknownHostException e) {
            throw new CommandFailure("unknown host '" + host + "'", e);
        } catch (IOException e) {
            throw new CommandFailure(e.getMessage(), e);
        }
    }
}
