package org.dualchat.cli.server;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Consumer;
import org.dualchat.cli.CommandFailure;
import org.dualchat.cli.DualchatCli;
import org.dualchat.cli.LoggingOptions;
import org.dualchat.cli.TransportConverter;
import org.dualchat.core.MessageFormat;
import org.dualchat.cli.console.ChatConsole;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.common.TransportType;
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
public final class ServerCommand implements Callable<Integer> {

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

    @Option(names = "--no-relay", negatable = false,
            description = "Receive only: no relay to TCP clients, no presence notices, no commands.")
    private boolean noRelay;

    @Option(names = "--udp-relay",
            description = "Relay to UDP sources too, as datagrams, while they have sent within --udp-relay-window."
                    + " Off by default: answering spoofable UDP source addresses makes an amplifier.")
    private boolean udpRelay;

    @Option(names = "--udp-relay-window", paramLabel = "MINUTES", defaultValue = "5",
            description = "How long after its last datagram a UDP source still receives relays"
                    + " (default: ${DEFAULT-VALUE}).")
    private long udpRelayWindowMinutes;

    @Option(names = "--client-buffer", paramLabel = "BYTES", defaultValue = "262144",
            description = "Relays that may wait for one slow TCP client; past this it misses relays,"
                    + " and is told how many once it reads again (default: ${DEFAULT-VALUE}).")
    private int clientBuffer;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "4096",
            description = "Most TCP connections at once; one more is told 'Server full' and closed"
                    + " (default: ${DEFAULT-VALUE}).")
    private int maxConnections;

    @Option(names = "--max-connections-per-ip", paramLabel = "N", defaultValue = "64",
            description = "Most TCP connections at once from one source IP (default: ${DEFAULT-VALUE}).")
    private int maxConnectionsPerIp;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "0",
            description = "Close a TCP client that has sent no message (a whole line, not a byte) for this long;"
                    + " 0 never does: a client that only reads may stay (default: ${DEFAULT-VALUE}).")
    private long idleTimeoutSeconds;

    @Option(names = "--keepalive", paramLabel = "SECONDS", defaultValue = "60",
            description = "Probe a TCP connection silent this long with TCP keepalive and close it if the peer is"
                    + " gone (4 probes, at most 10 s apart); 0 turns keepalive off (default: ${DEFAULT-VALUE}).")
    private long keepAliveSeconds;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "0",
            description = "Messages per second per source IP, UDP and TCP together: excess datagrams are dropped,"
                    + " excess TCP input waits; 0 for no limit (default: ${DEFAULT-VALUE}).")
    private int rate;

    @Option(names = "--burst", paramLabel = "N",
            description = "Messages a source may send at once before --rate applies (default: twice --rate).")
    private Integer burst;

    @Option(names = "--allow", paramLabel = "CIDR",
            description = "Take messages only from this block (192.0.2.0/24, 2001:db8::/32, or one address);"
                    + " repeatable. Default: from anywhere.")
    private List<String> allow = new ArrayList<>();

    @Option(names = "--deny", paramLabel = "CIDR",
            description = "Never take messages from this block, even if allowed; repeatable.")
    private List<String> deny = new ArrayList<>();

    @Mixin
    private OutputOptions output;

    @Mixin
    private MetricsOptions metrics;

    @Mixin
    private TlsServerOptions tls;

    @Mixin
    private LoggingOptions logging;

    @Override
    public Integer call() throws InterruptedException {
        // Before toConfig(): -q also quiets what loading the TLS certificate logs.
        logging.apply();
        ChatServerConfig config = toConfig();
        MessageFormat format = output.messageFormat(cli.terminal, System.getenv());
        // On a terminal the console edits its line at a prompt, and messages are printed above it.
        ChatConsole terminal = ChatConsole.serverTerminal(cli, config.maxLineLength());
        ChatConsole console = terminal != null ? terminal : ChatConsole.open(cli, config.maxLineLength());
        PrintStream stderr = System.err;
        if (terminal != null && stderrIsTheTerminal()) {
            // Logback's console appender writes to whatever System.err is: log lines go above the prompt too.
            // Not when the operator sent stderr elsewhere (2>log): the log stays where it was sent.
            System.setErr(new PrintStream(terminal.logOutput(), true, StandardCharsets.UTF_8));
        }
        ChatServer server = new ChatServer(config,
                new PrintingSink(terminal != null ? terminal.output() : cli.out, format));
        try {
            server.start();
        } catch (IOException e) {
            server.close();
            closeConsole(console, stderr);
            throw new CommandFailure("cannot listen on " + e.getMessage(), e);
        } catch (IllegalStateException e) {
            server.close();
            closeConsole(console, stderr);
            throw new CommandFailure(e.getMessage(), e);
        }
        // Where the JVM keeps the signals to itself, the hook still drains; otherwise close() is a no-op there.
        Runtime.getRuntime().addShutdownHook(new Thread(server::close, "dualchat-shutdown"));
        ShutdownSignal signal = ShutdownSignal.install();
        ServerConsole.start(console, config.maxLineLength(), server, signal::interruptedAtConsole);
        signal.await();
        server.close();
        closeConsole(console, stderr);
        return DualchatCli.OK;
    }

    /** Whether stderr goes where stdout does (the terminal); false where the system cannot say (no /proc). */
    private static boolean stderrIsTheTerminal() {
        try {
            return Files.isSameFile(Paths.get("/proc/self/fd/2"), Paths.get("/proc/self/fd/1"));
        } catch (IOException | RuntimeException e) {
            return false;
        }
    }

    private static void closeConsole(ChatConsole console, PrintStream stderr) {
        console.close();
        System.setErr(stderr);
    }

    private ChatServerConfig toConfig() {
        checkRange("--udp-port", udpPort, 0, 65535);
        checkRange("--tcp-port", tcpPort, 0, 65535);
        checkRange("--max-line", maxLine, 4, ChatServerConfig.MAX_LINE_LENGTH_LIMIT);
        checkRange("--partial-line-timeout", partialLineTimeoutMillis, 0, Duration.ofHours(1).toMillis());
        checkRange("--udp-rcvbuf", udpReceiveBuffer, 1024, Integer.MAX_VALUE);
        checkRange("--udp-relay-window", udpRelayWindowMinutes, 1, Duration.ofDays(1).toMinutes());
        checkRange("--client-buffer", clientBuffer, 1024, Integer.MAX_VALUE);
        checkRange("--max-connections", maxConnections, 1, Integer.MAX_VALUE);
        checkRange("--max-connections-per-ip", maxConnectionsPerIp, 1, Integer.MAX_VALUE);
        checkRange("--idle-timeout", idleTimeoutSeconds, 0, Duration.ofDays(1).toSeconds());
        checkRange("--keepalive", keepAliveSeconds, 0, 32767);
        checkRange("--rate", rate, 0, ChatServerConfig.MAX_RATE);
        if (burst != null) {
            checkRange("--burst", burst, 1, Integer.MAX_VALUE);
            if (rate == 0) {
                // As --metrics-bind without --metrics-port: an option that would do nothing is a mistake.
                throw new ParameterException(spec.commandLine(), "--burst needs --rate: without a rate there is no limit");
            }
        }
        ChatServerConfig.Builder builder = ChatServerConfig.builder();
        addBlocks("--allow", allow, builder::allow);
        addBlocks("--deny", deny, builder::deny);
        if (burst != null) {
            builder.burst(burst);
        }
        try {
            metrics.applyTo(builder, spec);
            tls.configure(builder, spec, tcpPort);
            return builder
                    .bindAddress(bindAddress())
                    .udpPort(udpPort)
                    .tcpPort(tcpPort)
                    .greeting(greeting)
                    .maxLineLength(maxLine)
                    .partialLineTimeout(Duration.ofMillis(partialLineTimeoutMillis))
                    .udpReceiveBuffer(udpReceiveBuffer)
                    .transport(transport)
                    .relay(!noRelay)
                    .udpRelay(udpRelay)
                    .udpRelayWindow(Duration.ofMinutes(udpRelayWindowMinutes))
                    .clientBuffer(clientBuffer)
                    .maxConnections(maxConnections)
                    .maxConnectionsPerIp(maxConnectionsPerIp)
                    .idleTimeout(Duration.ofSeconds(idleTimeoutSeconds))
                    .keepAlive(Duration.ofSeconds(keepAliveSeconds))
                    .rate(rate)
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

    private void addBlocks(String option, List<String> blocks, Consumer<String> add) {
        for (String block : blocks) {
            try {
                add.accept(block);
            } catch (IllegalArgumentException e) {
                // The builder says "allow: 10.0.0.0/33 (expected: ...)"; the user typed --allow.
                String message = e.getMessage();
                throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': "
                        + message.substring(message.indexOf(": ") + 2), e, null, block);
            }
        }
    }

    private void checkRange(String option, long value, long min, long max) {
        if (value < min || value > max) {
            throw new ParameterException(spec.commandLine(), "Invalid value for option '" + option + "': "
                    + value + " (expected: " + min + "-" + max + ")");
        }
    }
}
