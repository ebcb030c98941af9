package org.dualchat.netty.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs the shaded jar ({@code java -jar dualchat.jar}, found by the {@code dualchat.jar} system property
 * the build sets) and the tools a user runs beside it, as processes, for one test; kills every one of
 * them, and what they started, after each test, whatever happened.
 *
 * <pre>{@code
 * @RegisterExtension
 * final JarProcesses dualchat = new JarProcesses();
 *
 * @Test
 * void stopsOnSigterm() throws Exception {
 *     JarProcess server = dualchat.startServer("--rate", "5");
 *     ServerExtension.sendUdp("127.0.0.1", server.udpPort(), "hi".getBytes(UTF_8));
 *     server.awaitStdout(text -> text.contains("hi"));
 *     assertThat(server.stop()).isZero();
 * }
 * }</pre>
 */
public final class JarProcesses implements BeforeEachCallback, AfterEachCallback {

    /** How long a test waits for a process: a JVM starting on a loaded machine takes seconds. */
    public static final Duration WAIT = Duration.ofSeconds(15);

    private final List<JarProcess> started = new ArrayList<>();
    private final List<Process> others = new ArrayList<>();
    private Path dir;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("dualchat-it-");
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        started.forEach(JarProcess::kill);
        for (Process p : others) {
            p.descendants().forEach(ProcessHandle::destroyForcibly);
            p.destroyForcibly();
        }
        started.clear();
        others.clear();
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(file -> file.toFile().delete());
        }
    }

    /** The shaded jar, built by {@code mvn package}. */
    public static Path jar() {
        Path jar = Paths.get(System.getProperty("dualchat.jar", "target/dualchat.jar"));
        assertThat(jar).as("the shaded jar, built by 'mvn package'").exists();
        return jar;
    }

    /** The {@code java} of the JVM running the tests. */
    public static String java() {
        return Paths.get(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** The system property that sets how many datagrams the server warms its UDP path with (0: none). */
    private static final String WARM_UP = "dualchat.udp.warmup";

    /** Starts {@code dualchat ARGS} with its stdin closed, as from a script. */
    public JarProcess start(String... args) throws IOException {
        return start(List.of(), false, args);
    }

    /** Starts {@code java JVM_OPTIONS -jar dualchat.jar ARGS} with its stdin closed. */
    public JarProcess start(List<String> jvmOptions, String... args) throws IOException {
        return start(jvmOptions, false, args);
    }

    /** Starts {@code dualchat ARGS} with its stdin left open, for the test to type on. */
    public JarProcess startWithStdin(String... args) throws IOException {
        return start(List.of(), true, args);
    }

    private JarProcess start(List<String> jvmOptions, boolean stdin, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(java()));
        if (jvmOptions.stream().noneMatch(option -> option.startsWith("-D" + WARM_UP + "="))) {
            // A fraction of a second of start each: the tests of the warm-up ask for it (ReadmeIT runs the
            // README's command, which warms up; UdpWarmUpIT tests it in process).
            command.add("-D" + WARM_UP + "=0");
        }
        command.addAll(jvmOptions);
        command.addAll(List.of("-jar", jar().toString()));
        command.addAll(List.of(args));
        int n = started.size();
        Path stdout = dir.resolve("stdout-" + n + ".txt");
        Path stderr = dir.resolve("stderr-" + n + ".txt");
        Process process = new ProcessBuilder(command)
                .redirectOutput(stdout.toFile())
                .redirectError(stderr.toFile())
                .start();
        JarProcess jarProcess = new JarProcess(process, stdout, stderr);
        started.add(jarProcess);
        if (!stdin) {
            process.getOutputStream().close();
        }
        return jarProcess;
    }

    /**
     * Starts the server with {@code ARGS --udp-port 0 --tcp-port 0} (ARGS may begin with the {@code server}
     * subcommand) and waits until it logs the ports it listens on.
     */
    public JarProcess startServer(String... args) throws Exception {
        return startServer(List.of(), false, args);
    }

    /** As {@link #startServer(String...)}, with options for the JVM. */
    public JarProcess startServer(List<String> jvmOptions, String... args) throws Exception {
        return startServer(jvmOptions, false, args);
    }

    /** As {@link #startServer(String...)}, with stdin left open: the server's console. */
    public JarProcess startServerWithStdin(String... args) throws Exception {
        return startServer(List.of(), true, args);
    }

    private JarProcess startServer(List<String> jvmOptions, boolean stdin, String... args) throws Exception {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--udp-port", "0", "--tcp-port", "0"));
        long started = System.nanoTime();
        JarProcess server = start(jvmOptions, stdin, all.toArray(new String[0])).awaitListening();
        // Start-up time, for whoever reads the test output: a figure, not an assertion.
        System.err.printf("dualchat listening %d ms after the process started%n",
                TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
        return server;
    }

    /** What a run to the end left: its exit code, stdout and stderr. */
    public record Result(int exitCode, String stdout, String stderr) {}

    /** Runs {@code java JVM_OPTIONS -jar dualchat.jar ARGS}, stdin closed, to its end, bounded in time. */
    public Result run(List<String> jvmOptions, String... args) throws Exception {
        JarProcess process = start(jvmOptions, false, args);
        int exit = process.awaitExit();
        return new Result(exit, process.stdout(), process.stderr());
    }

    /** Keeps {@code process}, started by the test, to be killed after it. */
    public Process track(Process process) {
        others.add(process);
        return process;
    }

    /** Runs a bash command line, bounded in time, and returns its stdout; stderr is discarded. */
    public String shell(String commandLine) throws Exception {
        return shell(null, commandLine, false);
    }

    /** Runs a bash command line in {@code directory}, bounded in time, checks it exits 0, returns its stdout. */
    public String shellSucceeding(Path directory, String commandLine) throws Exception {
        return shell(directory, commandLine, true);
    }

    private String shell(Path directory, String commandLine, boolean mustSucceed) throws Exception {
        ProcessBuilder builder = new ProcessBuilder("bash", "-c", commandLine)
                .redirectError(ProcessBuilder.Redirect.DISCARD);
        if (directory != null) {
            builder.directory(directory.toFile());
        }
        Process process = track(builder.start());
        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("%s finished", commandLine).isTrue();
        if (mustSucceed) {
            assertThat(process.exitValue()).as("%s exit code", commandLine).isZero();
        }
        return new String(process.getInputStream().readAllBytes(), UTF_8);
    }

    /** Fails if {@code text} holds a Java stack trace: a user gets one-line errors. */
    public static void assertNoStackTrace(String text) {
        assertThat(text).doesNotContain("Exception in thread").doesNotContainPattern("(?m)^\\s+at \\S+\\(");
    }

    /** Waits up to {@link #WAIT} until {@code file}'s text satisfies {@code condition}; returns it either way. */
    public static String await(Path file, Predicate<String> condition) throws Exception {
        long deadline = System.nanoTime() + WAIT.toNanos();
        String text = read(file);
        while (!condition.test(text) && System.nanoTime() < deadline) {
            Thread.sleep(20);
            text = read(file);
        }
        return text;
    }

    static String read(Path file) {
        try {
            // Leniently: the file may end in the middle of a character still being written.
            return Files.exists(file) ? new String(Files.readAllBytes(file), UTF_8) : "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
