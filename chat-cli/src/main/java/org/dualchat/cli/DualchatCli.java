package org.dualchat.cli;

import static java.util.Objects.requireNonNull;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.Properties;
import java.util.Set;
import org.dualchat.cli.bench.BenchCommand;
import org.dualchat.cli.send.PeerCommand;
import org.dualchat.cli.send.SendCommand;
import org.dualchat.cli.server.ServerCommand;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine.Command;
import picocli.CommandLine.IVersionProvider;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine;

/**
 * The {@code dualchat} command line. {@code main} only exits with what {@link #run} returns, so that
 * tests can call {@code run} and read what it printed.
 */
@Command(
        name = "dualchat",
        mixinStandardHelpOptions = true,
        versionProvider = DualchatCli.Version.class,
        description = "A chat server that takes UDP and TCP senders into one room, and the clients to go with it.%n"
                + "With no command, or with only options, runs the server.",
        subcommands = {ServerCommand.class, SendCommand.class, PeerCommand.class, BenchCommand.class,
            CommandLine.HelpCommand.class},
        exitCodeListHeading = "%nExit codes:%n",
        exitCodeList = {
            "0:success, or stopped by Ctrl-C / SIGTERM after printing everything received",
            "1:runtime error: a port in use, an unknown host, a refused or lost connection, a line not sent",
            "2:usage error: an unknown option, a bad value"
        })
public final class DualchatCli implements Runnable {

    private static final Logger logger = LoggerFactory.getLogger(DualchatCli.class);

    /** Exit code for a run that went as asked. */
    public static final int OK = 0;
    /** Exit code for a failure while running. */
    public static final int FAILURE = 1;
    /** Exit code for a command line that could not be understood. */
    public static final int USAGE = 2;

    private static final Set<String> TOP_LEVEL_OPTIONS = Set.of("-h", "--help", "-V", "--version");

    public final InputStream in;
    public final OutputStream out;
    public final PrintStream err;
    /** Whether {@code in} and {@code out} are the user's terminal, so that the clients may edit lines on it. */
    public final boolean terminal;

    /**
     * @param in what the commands read from (the console)
     * @param out where messages and help go
     * @param err where one-line errors go
     */
    public DualchatCli(InputStream in, OutputStream out, PrintStream err) {
        this(in, out, err, false);
    }

    DualchatCli(InputStream in, OutputStream out, PrintStream err, boolean terminal) {
        this.in = requireNonNull(in, "in");
        this.out = requireNonNull(out, "out");
        this.err = requireNonNull(err, "err");
        this.terminal = terminal;
    }

    public static void main(String[] args) {
        nettyDefaults(System.getProperties());
        // Netty hands a channel's or the room's OutOfMemoryError to this handler too (Failures.escalate).
        Thread.setDefaultUncaughtExceptionHandler(new FatalErrorHandler(System.err, Runtime.getRuntime()::halt));
        // Raw stdout: the sink buffers and encodes on its own, with no PrintStream lock in the way.
        // System.console() is there only when both stdin and stdout are a terminal.
        DualchatCli cli = new DualchatCli(
                System.in, new FileOutputStream(FileDescriptor.out), System.err, System.console() != null);
        System.exit(cli.run(args));
    }

    /** Netty's switch for its allocator's Java Flight Recorder events. */
    static final String NETTY_JFR = "io.netty.jfr.enabled";

    /**
     * The Netty settings of dualchat's processes, each unless the user has set it ({@code JAVA_OPTS=-D...}).
     * Netty's allocator reports chunk and buffer events to JFR wherever the JDK has it: its first chunk set
     * off JFR's metadata on the event loop as the first TCP client was greeted (about 55 ms of a fresh
     * server's cold start and 135 classes, measured with async-profiler), and each allocation then asks JFR
     * whether the event is recorded. Nothing of dualchat's reads them; {@code -Dio.netty.jfr.enabled=true}
     * brings them back. Before any Netty class is loaded: Netty reads it once.
     */
    static void nettyDefaults(Properties properties) {
        properties.putIfAbsent(NETTY_JFR, "false");
    }

    /** Runs the command line {@code args} and returns the exit code. */
    public int run(String... args) {
        CommandLine commandLine = new CommandLine(this)
                .setOut(new PrintWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), true))
                .setErr(new PrintWriter(err, true))
                .setParameterExceptionHandler(this::usageError)
                .setExecutionExceptionHandler(this::runtimeError);
        return commandLine.execute(withDefaultCommand(args));
    }

    @Override
    public void run() {
        // Only reached through withDefaultCommand's exceptions; kept for picocli's sake.
        new CommandLine(this).usage(err);
    }

    /** {@code dualchat} and {@code dualchat --tcp-port 0} mean {@code dualchat server ...}. */
    static String[] withDefaultCommand(String[] args) {
        if (args.length > 0 && (!args[0].startsWith("-") || TOP_LEVEL_OPTIONS.contains(args[0]))) {
            return args;
        }
        String[] withServer = new String[args.length + 1];
        withServer[0] = "server";
        System.arraycopy(args, 0, withServer, 1, args.length);
        return withServer;
    }

    private int usageError(ParameterException e, String[] args) {
        String command = e.getCommandLine().getCommandSpec().qualifiedName();
        e.getCommandLine().getErr().println("dualchat: " + e.getMessage() + " (see '" + command + " --help')");
        return USAGE;
    }

    private int runtimeError(Exception e, CommandLine commandLine, ParseResult parseResult) {
        if (e instanceof CommandFailure) {
            commandLine.getErr().println("dualchat: " + e.getMessage());
        } else {
            logger.debug("Unexpected error", e);
            commandLine.getErr().println("dualchat: unexpected error: " + e + " (run with -v for details)");
        }
        return FAILURE;
    }

    /** Reads the version from the jar's manifest. */
    static final class Version implements IVersionProvider {
        @Override
        public String[] getVersion() {
            String version = DualchatCli.class.getPackage().getImplementationVersion();
            return new String[] {"dualchat " + (version != null ? version : "(development build)")};
        }
    }
}
