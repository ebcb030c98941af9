package org.dualchat.cli.send;

import java.io.IOException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import org.dualchat.cli.CommandFailure;
import org.dualchat.cli.DualchatCli;
import org.dualchat.cli.LoggingOptions;
import org.dualchat.cli.Ports;
import org.dualchat.cli.console.ChatConsole;
import org.dualchat.cli.format.ReceivedFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.client.ClientTls;
import org.dualchat.netty.client.TcpSender;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dualchat send tcp HOST}: each line one line on one connection, showing what the server sends. */
@Command(
        name = "tcp",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Send each line of stdin to HOST on one TCP connection, and print what the server sends.",
            "At the end of input the connection is half-closed, and the command exits 0 once the server has"
                    + " closed it. A server that closes first, a refused connection or an unknown host exit 1.",
            "With --tls, --insecure or --tls-fingerprint the connection is TLS."
        })
final class SendTcpCommand implements Callable<Integer> {

    /** The longest input line taken; a longer one is reported and skipped. */
    static final int MAX_LINE = 1024 * 1024;

    @ParentCommand
    private SendCommand parent;

    @Spec
    private CommandSpec spec;

    @Mixin
    private SendOptions send;

    @Option(names = {"-p", "--port"}, paramLabel = "PORT", defaultValue = "" + ChatServerConfig.DEFAULT_TCP_PORT,
            description = "The server's TCP port (default: ${DEFAULT-VALUE}).")
    private int port;

    @Option(names = "--close-timeout", paramLabel = "SECONDS", defaultValue = "10",
            description = "After the end of input, how long to wait for the server to close"
                    + " (default: ${DEFAULT-VALUE}).")
    private int closeTimeoutSeconds;

    @Mixin
    private TlsClientOptions tlsOptions;

    @Mixin
    private LoggingOptions logging;

    @Override
    public Integer call() throws InterruptedException {
        Ports.check(spec, "--port", port, 1);
        if (closeTimeoutSeconds < 1 || closeTimeoutSeconds > 3600) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                    "Invalid value for option '--close-timeout': " + closeTimeoutSeconds + " (expected: 1-3600)");
        }
        ClientTls tls = tlsOptions.toClientTls(spec, parent.cli.err);
        logging.apply();
        Duration closeTimeout = Duration.ofSeconds(closeTimeoutSeconds);
        try (ChatConsole console = ChatConsole.open(parent.cli, MAX_LINE)) {
            PrintingSink shown = new PrintingSink(console.output(), ReceivedFormat.text(console.isTerminal()));
            try (TcpSender sender = connect(shown, tls)) {
                if (send.message != null) {
                    sender.send(send.message);
                    sender.finish(closeTimeout);
                    return DualchatCli.OK;
                }
                CompletableFuture<Boolean> input = ClientSession.onInputThread(() -> {
                    boolean allSent = ClientSession.pump(
                            console, MAX_LINE, "a line of input", sender::send, line -> false);
                    sender.finish(closeTimeout);
                    return allSent;
                });
                ClientSession.awaitEither(input, sender.closed());
                // The connection closed cleanly only after the input thread called finish(): it is done or about to be.
                return ClientSession.valueOf(input) ? DualchatCli.OK : DualchatCli.FAILURE;
            } catch (IOException e) {
                throw ClientSession.failure(e);
            } finally {
                shown.close();
            }
        }
    }

    private TcpSender connect(PrintingSink shown, ClientTls tls) {
        try {
            return TcpSender.connect(send.host, port, shown, tls);
        } catch (UnknownHostException e) {
            throw new CommandFailure("unknown host '" + send.host + "'", e);
        } catch (IOException e) {
            throw new CommandFailure(e.getMessage() + tlsOptions.hint(e), e);
        }
    }
}
