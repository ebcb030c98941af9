package org.dualchat.cli.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.UnknownHostException;
import org.dualchat.cli.CommandFailure;
import org.dualchat.loadgen.LoadResult;

/** Runs a load, turning what can go wrong into one-line failures. */
final class BenchRun {

    /** A load that may fail. */
    interface Load {
        LoadResult run() throws IOException, InterruptedException;
    }

    /** A load that may fail, with a result of its own. */
    interface Run<T> {
        T run() throws IOException, InterruptedException;
    }

    private BenchRun() {}

    static LoadResult run(String host, Load load) throws InterruptedException {
        return runAny(host, load::run);
    }

    static <T> T runAny(String host, Run<T> load) throws InterruptedException {
        try {
            return load.run();
        } catch (UnknownHostException e) {
            throw new CommandFailure("unknown host '" + host + "'", e);
        } catch (IOException | UncheckedIOException | IllegalStateException e) {
            throw new CommandFailure(e.getMessage(), e);
        } catch (IllegalArgumentException e) {
            throw new CommandFailure("bad load: " + e.getMessage(), e);
        }
    }
}
