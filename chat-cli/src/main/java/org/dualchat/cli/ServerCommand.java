package org.dualchat.cli;

import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.Callable;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.TransportType;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

/** {@code dualchat server}: receive on UDP and TCP and print each message as {@code ip : text}. */
@Command(
        name = "server",
        mixinStandardHelpOptions = true,
        sortOptions = false,
        description = {
            "Receive UDP datagrams and TCP lines and print each message on stdout as 'ip : text'.",
            "Diagnostics go to stderr. Ctrl-C or SIGTERM stops the server after printing everything received."
        })
final class ServerCommand implements Callable<Integer> {

    @ParentCommand
    private DualchatCli cli;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-b", "--bind"}, paramLabel = "ADDRESS",
            description = "Listen on this local address only (default: all interfaces, IPv4 and IPv6).")
    private String bind;

    @Option(names = {"-u", "--udp-port"}, paramLabel = "PORT", defaultValue = "1234",
            description = "UDP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int udpPort;

    @Option(names = {"-t", "--tcp-port"}, paramLabel = "PORT", defaultValue = "2222",
            description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int tcpPort;

    @Option(names = "--greeting", paramLabel = "TEXT", defaultValue = ChatServerConfig.DEFAULT_GREETING,
            description = "Line sent to each TCP client on connect; empty for none (default: ${DEFAULT-VALUE}).")
    private String greeting;

    @Option(names = "--max-line", paramLabel = "BYTES", defaultValue = "8192",
            description = "Longest TCP line; a longer one is printed in pieces of this size, never cut"
                    + " (default: ${DEFAULT-VALUE}, at most 65507).")
    private int maxLine;

    @Option(names = "--partial-line-timeout", paramLabel = "MILLIS", defaultValue = "200",
            description = "Print a TCP line that has no newline yet once the sender has been quiet this long;"
                    + " 0 waits for the newline or the end of the connection (default: ${DEFAULT-VALUE}).")
    private long partialLineTimeoutMillis;

    @Option(names = "--udp-rcvbuf", paramLabel = "BYTES", defaultValue = "4194304",
            description = "UDP receive buffer to ask the kernel for (default: ${DEFAULT-VALUE}).")
    private int udpReceiveBuffer;

    @Option(names = "--transport", paramLabel = "auto|epoll|nio", defaultValue = "auto",
            converter = TransportConverter.class,
            description = "Netty transport: native epoll where available, or NIO (default: ${DEFAULT-VALUE}).")
    private TransportType transport;

    @Mixin
    private TlsServerOptions tls;

    @Mixin
    private LoggingOptions logging;

    @Override
    public Integer call() throws InterruptedException {
        // Before toConfig(): -q also quiets what loading the TLS certificate logs.
        logging.apply();
        ChatServerConfig config = toConfig();
        ChatServer server = new ChatServer(config, new PrintingSink(cli.out, MessageFormat.PLAIN));
        try {
            server.start();
        } catch (IOException e) {
            server.close();
            throw new CommandFailure("cannot listen on " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            server.close();
            throw new CommandFailure(e.getMessage(), e);
        }
        // Where the JVM keeps the signals to itself, the hook still drains; otherwise close() is a no-op there.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dualchat-shutdown"));
        ShutdownSignal.install().await();
        server.close();
        return DualchatCli.OK;
    }

    private ChatServerConfig toConfig() {
        checkRange("--udp-port", udpPort, 0, 65535);
        checkRange("--tcp-port", tcpPort, 0, 65535);
        checkRange("--max-line", maxLine, 4, ChatServerConfig.MAX_LINE_LENGTH_LIMIT);
        checkRange("--partial-line-timeout", partialLineTimeoutMillis, 0, Duration.ofHours(1).toMillis());
        checkRange("--udp-rcvbuf", udpReceiveBuffer, 1024, Integer.MAX_VALUE);
        try {
            ChatServerConfig.Builder config = ChatServerConfig.builder();
            tls.configure(config, spec, tcpPort);
            return config
                    .bindAddress(bindAddress())
                    .udpPort(udpPort)
                    .tcpPort(tcpPort)
                    .greeting(greeting)
                    .maxLineLength(maxLine)
                    .partialLineTimeout(Duration.ofMillis(partialLineTimeoutMillis))
                    .udpReceiveBuffer(udpReceiveBuffer)
                    .transport(transport)
                    .build();
        } catch (IllegalArgumentException e) {
            throw new ParameterException(spec.commandLine(), e.getMessage(), e, null, null);
        }
    }

    private InetAddress bindAddress() {
        if (bind == null) {
            return null;
        }
        try {
            return InetAddress.getByName(bind);
        } catch (UnknownHostException e) {
            throw new ParameterException(spec.commandLine(),
                    "Invalid value for option '--bind': unknown host '" + bind + "'");
        }
    }

    private void checkRange(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': "
                    + value + " (expected: " + min + "-" + max + ")");
        }
    }
}
