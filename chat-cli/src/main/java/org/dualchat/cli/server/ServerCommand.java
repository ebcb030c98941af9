package org.dualchat.cli.server;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.time.Duration;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import org.dualchat.cli.CommandFailure;
import org.dualchat.cli.DualchatCli;
import org.dualchat.cli.LoggingOptions;
import org.dualchat.cli.TransportConverter;
import org.dualchat.cli.console.ChatConsole;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.netty.ChatServer;
import org.dualchat.netty.ChatServerConfig;
import org.dualchat.netty.FramingOptions;
import org.dualchat.netty.ListenOptions;
import org.dualchat.netty.common.TransportType;
import org.dualchat.netty.limit.LimitOptions;
import org.dualchat.netty.room.RelayOptions;
import org.dualchat.redis.RedisUnavailableException;
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
            "Diagnostics go to stderr. Ctrl-C or SIGTERM stops the server after printing everything received:"
                    + " each client is read until it is quiet or --shutdown-grace runs out; a second Ctrl-C stops"
                    + " at once."
        })
public final class ServerCommand implements Callable<Integer> {

    @ParentCommand
    private DualchatCli cli;

    @Spec
    private CommandSpec spec;

    @Option(names = {"-b", "--bind"}, paramLabel = "ADDRESS",
            description = "Listen on this local address only (default: all interfaces, IPv4 and IPv6).")
    private String bind;

    @Option(names = {"-u", "--udp-port"}, paramLabel = "PORT", defaultValue = "" + ListenOptions.DEFAULT_UDP_PORT,
            description = "UDP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int udpPort;

    @Option(names = {"-t", "--tcp-port"}, paramLabel = "PORT", defaultValue = "" + ListenOptions.DEFAULT_TCP_PORT,
            description = "TCP port; 0 picks a free one (default: ${DEFAULT-VALUE}).")
    private int tcpPort;

    @Option(names = "--greeting", paramLabel = "TEXT", defaultValue = FramingOptions.DEFAULT_GREETING,
            description = "Line sent to each TCP client on connect; empty for none (default: ${DEFAULT-VALUE}).")
    private String greeting;

    @Option(names = "--max-line", paramLabel = "BYTES", defaultValue = "" + FramingOptions.DEFAULT_MAX_LINE_LENGTH,
            description = "Longest TCP line; a longer one is printed in pieces of this size, never cut"
                    + " (default: ${DEFAULT-VALUE}, at most " + FramingOptions.MAX_LINE_LENGTH_LIMIT + ").")
    private int maxLine;

    @Option(names = "--partial-line-timeout", paramLabel = "MILLIS",
            defaultValue = "" + FramingOptions.DEFAULT_PARTIAL_LINE_TIMEOUT_MILLIS,
            description = "Print a TCP line that has no newline yet once the sender has been quiet this long;"
                    + " 0 waits for the newline or the end of the connection (default: ${DEFAULT-VALUE}).")
    private long partialLineTimeoutMillis;

    @Option(names = "--udp-rcvbuf", paramLabel = "BYTES", defaultValue = "" + ListenOptions.DEFAULT_UDP_RECEIVE_BUFFER,
            description = "UDP receive buffer to ask the kernel for (default: ${DEFAULT-VALUE}).")
    private int udpReceiveBuffer;

    @Option(names = "--tcp-sndbuf", paramLabel = "BYTES", defaultValue = "0",
            description = "Each TCP client's kernel send buffer; 0 lets the kernel size it, up to"
                    + " net.ipv4.tcp_wmem's largest (default: ${DEFAULT-VALUE}).")
    private int tcpSendBuffer;

    @Option(names = "--tcp-notsent-lowat", paramLabel = "BYTES",
            defaultValue = "" + ListenOptions.DEFAULT_TCP_NOTSENT_LOWAT,
            description = "Bytes the kernel may hold unsent for each TCP client (TCP_NOTSENT_LOWAT, epoll only);"
                    + " a member that stops reading is found slow after this much; 0 for no limit"
                    + " (default: ${DEFAULT-VALUE}).")
    private int tcpNotSentLowat;

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

    @Option(names = "--udp-relay-window", paramLabel = "MINUTES",
            defaultValue = "" + RelayOptions.DEFAULT_UDP_RELAY_WINDOW_MINUTES,
            description = "How long after its last datagram a UDP source still receives relays"
                    + " (default: ${DEFAULT-VALUE}).")
    private long udpRelayWindowMinutes;

    @Option(names = "--client-buffer", paramLabel = "BYTES",
            description = "Relays that may wait for one slow TCP client; past this it misses relays,"
                    + " and is told how many once it reads again (default: " + RelayOptions.DEFAULT_CLIENT_BUFFER
                    + ", or in a room too large for every client to hold that within the relay budget, each"
                    + " one's share of half the budget, at least " + RelayOptions.MIN_SHARED_CLIENT_BUFFER + ").")
    private Integer clientBuffer;

    @Option(names = "--history", paramLabel = "N", defaultValue = "" + RelayOptions.DEFAULT_HISTORY,
            description = "The room's last N messages a TCP or browser client is shown as it joins, marked as"
                    + " history, before the live ones; 0 for none (default: ${DEFAULT-VALUE}, at most "
                    + RelayOptions.MAX_HISTORY + ").")
    private int history;

    @Option(names = "--relay-budget", paramLabel = "BYTES", defaultValue = "0",
            description = "Relay bytes that may wait in the whole room at once (queued and in clients' buffers);"
                    + " when spent, TCP senders are paused (nothing lost) and UDP lines are printed but not"
                    + " relayed. 0: a sixteenth of the heap, 1-16 MiB (default: ${DEFAULT-VALUE}).")
    private long relayBudget;

    @Option(names = "--max-connections", paramLabel = "N", defaultValue = "" + LimitOptions.DEFAULT_MAX_CONNECTIONS,
            description = "Most TCP connections at once; one more is told 'Server full' and closed"
                    + " (default: ${DEFAULT-VALUE}).")
    private int maxConnections;

    @Option(names = "--max-connections-per-ip", paramLabel = "N",
            defaultValue = "" + LimitOptions.DEFAULT_MAX_CONNECTIONS_PER_IP,
            description = "Most TCP connections at once from one source IP; loopback sources are exempt unless"
                    + " --limit-loopback (default: ${DEFAULT-VALUE}).")
    private int maxConnectionsPerIp;

    @Option(names = "--limit-loopback",
            description = "Apply --max-connections-per-ip to loopback sources too (127.0.0.0/8, ::1), as for a"
                    + " server behind a local proxy. Off by default: local clients count only in --max-connections.")
    private boolean limitLoopback;

    @Option(names = "--shutdown-grace", paramLabel = "SECONDS",
            defaultValue = "" + ListenOptions.DEFAULT_SHUTDOWN_GRACE_SECONDS,
            description = "On Ctrl-C or SIGTERM, keep reading each client until it has been quiet for a moment"
                    + " or has closed, and the UDP socket until it is quiet, for at most this long;"
                    + " 0 closes at once (default: ${DEFAULT-VALUE}).")
    private long shutdownGraceSeconds;

    @Option(names = "--idle-timeout", paramLabel = "SECONDS", defaultValue = "" + LimitOptions.DEFAULT_IDLE_TIMEOUT_SECONDS,
            description = "Close a TCP client that has sent no message (a whole line, not a byte) for this long;"
                    + " 0 never does: a client that only reads may stay (default: ${DEFAULT-VALUE}).")
    private long idleTimeoutSeconds;

    @Option(names = "--keepalive", paramLabel = "SECONDS", defaultValue = "" + ListenOptions.DEFAULT_KEEP_ALIVE_SECONDS,
            description = "Probe a TCP connection silent this long with TCP keepalive and close it if the peer is"
                    + " gone (4 probes, at most 10 s apart); 0 turns keepalive off (default: ${DEFAULT-VALUE}).")
    private long keepAliveSeconds;

    @Option(names = "--rate", paramLabel = "N", defaultValue = "" + LimitOptions.DEFAULT_RATE,
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
    private WebOptions web;

    @Mixin
    private RedisServerOptions redis;

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
        // Before any port listens: from the first connection on, a signal stops the server in order.
        ShutdownSignal signal = ShutdownSignal.install(server::closeNow);
        try {
            server.start();
        } catch (RedisUnavailableException e) {
            server.close();
            closeConsole(console, stderr);
            throw new CommandFailure("cannot join the room: " + e.getMessage(), e);
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
        ServerConsole.start(console, config.maxLineLength(), server, signal::interruptedAtConsole);
        signal.await();
        server.close();
        closeConsole(console, stderr);
        return signal.exitCode();
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

    // Package-private for tests: the options as a config, without starting anything.
    ChatServerConfig toConfig() {
        OptionValues values = new OptionValues(spec);
        ChatServerConfig.Builder config = ChatServerConfig.builder();
        config.bindAddress(bind == null ? null : values.address("--bind", bind)).transport(transport).relay(!noRelay).udpRelay(udpRelay);
        values.set("--udp-port", udpPort, () -> config.udpPort(udpPort));
        values.set("--tcp-port", tcpPort, () -> config.tcpPort(tcpPort));
        values.set("--greeting", greeting, () -> config.greeting(greeting));
        values.set("--max-line", maxLine, () -> config.maxLineLength(maxLine));
        values.set("--partial-line-timeout", partialLineTimeoutMillis, ChronoUnit.MILLIS,
                () -> config.partialLineTimeout(Duration.ofMillis(partialLineTimeoutMillis)));
        values.set("--udp-rcvbuf", udpReceiveBuffer, () -> config.udpReceiveBuffer(udpReceiveBuffer));
        values.set("--tcp-sndbuf", tcpSendBuffer, () -> config.tcpSendBuffer(tcpSendBuffer));
        values.set("--tcp-notsent-lowat", tcpNotSentLowat, () -> config.tcpNotSentLowat(tcpNotSentLowat));
        values.set("--udp-relay-window", udpRelayWindowMinutes, ChronoUnit.MINUTES,
                () -> config.udpRelayWindow(Duration.ofMinutes(udpRelayWindowMinutes)));
        if (clientBuffer != null) {
            values.set("--client-buffer", clientBuffer, () -> config.clientBuffer(clientBuffer));
        }
        values.set("--max-connections", maxConnections, () -> config.maxConnections(maxConnections));
        values.set("--max-connections-per-ip", maxConnectionsPerIp,
                () -> config.maxConnectionsPerIp(maxConnectionsPerIp));
        values.set("--idle-timeout", idleTimeoutSeconds, ChronoUnit.SECONDS,
                () -> config.idleTimeout(Duration.ofSeconds(idleTimeoutSeconds)));
        values.set("--keepalive", keepAliveSeconds, ChronoUnit.SECONDS,
                () -> config.keepAlive(Duration.ofSeconds(keepAliveSeconds)));
        values.set("--rate", rate, () -> config.rate(rate));
        values.set("--limit-loopback", limitLoopback, () -> config.limitLoopback(limitLoopback));
        values.set("--shutdown-grace", shutdownGraceSeconds, ChronoUnit.SECONDS,
                () -> config.shutdownGrace(Duration.ofSeconds(shutdownGraceSeconds)));
        values.set("--relay-budget", relayBudget, () -> config.relayBudget(relayBudget));
        values.set("--history", history, () -> config.history(history));
        if (burst != null) {
            values.set("--burst", burst, () -> config.burst(burst));
            if (rate == 0) {
                // As --metrics-bind without --metrics-port: an option that would do nothing is a mistake.
                throw new ParameterException(spec.commandLine(), "--burst needs --rate: without a rate there is no limit");
            }
        }
        allow.forEach(block -> values.set("--allow", block, () -> config.allow(block)));
        deny.forEach(block -> values.set("--deny", block, () -> config.deny(block)));
        metrics.applyTo(config, values, spec);
        web.applyTo(config, values, spec);
        tls.configure(config, values, spec);
        if (redis.uri != null && noRelay) {
            throw new ParameterException(spec.commandLine(), "--redis needs the relay: not with --no-relay");
        }
        redis.applyTo(config, values, spec);
        try {
            return config.build();
        } catch (IllegalArgumentException e) {
            // What spans options: "tlsPort: 2222 (expected: other than tcpPort)".
            String message = e.getMessage().replace("tcpPort", "--tcp-port");
            throw values.usage("--tls-port", message.substring(message.indexOf(": ") + 2), e);
        }
    }
}
