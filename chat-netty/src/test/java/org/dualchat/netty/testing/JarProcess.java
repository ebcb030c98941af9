package org.dualchat.netty.testing;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One run of {@code java -jar dualchat.jar}, started by {@link JarProcesses}: its stdout and stderr go to
 * files the test reads while it runs, its stdin stays open if asked, and it is stopped by its PID.
 */
public final class JarProcess {

    /** The line a server logs once both ports are bound, with the ports it got. */
    public static final Pattern LISTENING = Pattern.compile("Listening on UDP \\S+:(\\d+) and TCP \\S+:(\\d+)");

    private final Process process;
    private final Path stdout;
    private final Path stderr;
    private int udpPort = -1;
    private int tcpPort = -1;

    JarProcess(Process process, Path stdout, Path stderr) {
        this.process = process;
        this.stdout = stdout;
        this.stderr = stderr;
    }

    public Process process() {
        return process;
    }

    public long pid() {
        return process.pid();
    }

    public boolean isAlive() {
        return process.isAlive();
    }

    /** Everything printed on stdout so far. */
    public String stdout() throws IOException {
        return JarProcesses.read(stdout);
    }

    /** Everything logged on stderr so far. */
    public String stderr() throws IOException {
        return JarProcesses.read(stderr);
    }

    /** The whole lines printed on stdout so far, without a line still being written. */
    public List<String> stdoutLines() throws IOException {
        String text = stdout();
        return text.substring(0, text.lastIndexOf('\n') + 1).lines().toList();
    }

    public Path stdoutFile() {
        return stdout;
    }

    public Path stderrFile() {
        return stderr;
    }

    /** Waits up to {@link JarProcesses#WAIT} until stdout satisfies {@code condition}; returns it either way. */
    public String awaitStdout(Predicate<String> condition) throws Exception {
        return JarProcesses.await(stdout, condition);
    }

    /** Waits up to {@link JarProcesses#WAIT} until stderr satisfies {@code condition}; returns it either way. */
    public String awaitStderr(Predicate<String> condition) throws Exception {
        return JarProcesses.await(stderr, condition);
    }

    /** Waits for a log line matching {@code line}, or the end of the process; returns the match. */
    public Matcher awaitLog(Pattern line) throws Exception {
        String log = awaitStderr(text -> line.matcher(text).find() || !process.isAlive());
        Matcher m = line.matcher(log);
        assertThat(m.find()).as("a log line matching %s in: %s", line, log).isTrue();
        return m;
    }

    /** Waits until the server logs that it listens, and notes the ports it logged. */
    JarProcess awaitListening() throws Exception {
        Matcher m = awaitLog(LISTENING);
        udpPort = Integer.parseInt(m.group(1));
        tcpPort = Integer.parseInt(m.group(2));
        return this;
    }

    /** The UDP port the server logged, once {@link JarProcesses#startServer} has seen it listen. */
    public int udpPort() {
        assertThat(udpPort).as("the server's UDP port, from its log").isPositive();
        return udpPort;
    }

    /** The TCP port the server logged. */
    public int tcpPort() {
        assertThat(tcpPort).as("the server's TCP port, from its log").isPositive();
        return tcpPort;
    }

    /** Types {@code line} and Enter on stdin (only for a process started with its stdin open). */
    public void type(String line) throws IOException {
        OutputStream in = process.getOutputStream();
        in.write((line + "\n").getBytes(UTF_8));
        in.flush();
    }

    /** Closes stdin: the end of input, as Ctrl-D on a terminal. */
    public void closeStdin() throws IOException {
        process.getOutputStream().close();
    }

    /** Sends the signal {@code name} ({@code TERM}, {@code INT}, {@code HUP}...) to the process by its PID. */
    public void signal(String name) throws Exception {
        Process kill = new ProcessBuilder("kill", "-s", name, Long.toString(pid()))
                .redirectErrorStream(true).start();
        assertThat(kill.waitFor(JarProcesses.WAIT.toSeconds(), TimeUnit.SECONDS)).as("kill -s %s", name).isTrue();
        assertThat(kill.exitValue()).as("kill -s %s %d: %s", name, pid(),
                new String(kill.getInputStream().readAllBytes(), UTF_8)).isZero();
    }

    /** Waits up to {@link JarProcesses#WAIT} for the process to end and returns its exit code. */
    public int awaitExit() throws InterruptedException {
        assertThat(process.waitFor(JarProcesses.WAIT.toSeconds(), TimeUnit.SECONDS)).as("the process ended").isTrue();
        return process.exitValue();
    }

    /** SIGTERM, as a service manager or {@code kill} stops it, then waits; returns the exit code. */
    public int stop() throws InterruptedException {
        process.destroy();
        return awaitExit();
    }

    /** Ends the process and whatever it started, at once; after each test, whatever happened. */
    void kill() {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly();
    }
}
