package org.dualchat.cli;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;

/** One run of the command line in a test, with its stdin, stdout, stderr and exit code. */
public final class CliRun {

    private final ByteArrayOutputStream out = new ByteArrayOutputStream();
    private final ByteArrayOutputStream err = new ByteArrayOutputStream();
    private final InputStream in;

    public CliRun(InputStream in) {
        this.in = in;
    }

    public static CliRun withInput(String stdin) {
        return new CliRun(new java.io.ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)));
    }

    public int run(String... args) {
        return new DualchatCli(in, out, new PrintStream(err, true, StandardCharsets.UTF_8)).run(args);
    }

    /** Runs on a thread of its own, for commands that wait for the network or typed input. */
    public CompletableFuture<Integer> start(String... args) {
        CompletableFuture<Integer> exit = new CompletableFuture<>();
        Thread thread = new Thread(() -> exit.complete(run(args)), "cli-under-test");
        thread.setDaemon(true);
        thread.start();
        return exit;
    }

    public String out() {
        return out.toString(StandardCharsets.UTF_8);
    }

    public String err() {
        return err.toString(StandardCharsets.UTF_8);
    }
}
