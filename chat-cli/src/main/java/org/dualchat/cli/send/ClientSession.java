package org.dualchat.cli.send;

import java.io.IOException;
import java.net.UnknownHostException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Predicate;
import org.dualchat.cli.CommandFailure;
import org.dualchat.cli.console.ChatConsole;
import org.dualchat.cli.console.InputLine;
import org.dualchat.netty.client.LineTooLongException;

/** What the client commands share: feeding input lines to a sender, and waiting for whichever side ends first. */
final class ClientSession {

    /** Sends one line; may wait for the network. */
    @FunctionalInterface
    interface LineSender {
        void send(String line) throws IOException, InterruptedException;
    }

    /** Produces a value on the input thread. */
    @FunctionalInterface
    interface InputTask<T> {
        T call() throws Exception;
    }

    private ClientSession() {}

    /**
     * Sends each input line until the end of input, or until a line for which {@code last} is true has
     * been sent. A line too long to send is reported on the console and skipped.
     *
     * @return whether every line was sent
     */
    static boolean pump(ChatConsole console, int maxLineBytes, String what, LineSender sender,
            Predicate<String> last) throws IOException, InterruptedException {
        boolean allSent = true;
        InputLine line;
        while ((line = readLine(console)) != null) {
            if (line.tooLong()) {
                console.error(tooLong(line.number(), line.length(), maxLineBytes, what));
                allSent = false;
                continue;
            }
            try {
                sender.send(line.text());
            } catch (LineTooLongException e) {
                console.error("line " + line.number() + " not sent: " + e.getMessage());
                allSent = false;
                continue;
            }
            if (last.test(line.text())) {
                break;
            }
        }
        return allSent;
    }

    static String tooLong(long number, long length, long limit, String what) {
        return "line " + number + " not sent: " + length + " bytes, more than " + what + " holds (" + limit + ")";
    }

    /**
     * Runs {@code task} on a daemon thread of its own, so that the caller can also watch the network: a
     * thread blocked reading a terminal cannot be woken, and must not keep the JVM alive at exit.
     */
    static <T> CompletableFuture<T> onInputThread(InputTask<T> task) {
        CompletableFuture<T> result = new CompletableFuture<>();
        Thread thread = new Thread(() -> {
            try {
                result.complete(task.call());
            } catch (Throwable e) {
                result.completeExceptionally(e);
            }
        }, "dualchat-input");
        thread.setDaemon(true);
        thread.start();
        return result;
    }

    /**
     * Waits until {@code input} completes or {@code network} does. A failure of {@code network} is
     * preferred over one of {@code input}: it says why, where the input side only saw a closed channel.
     *
     * @throws CommandFailure if either failed
     */
    static void awaitEither(CompletableFuture<?> input, CompletableFuture<?> network) throws InterruptedException {
        try {
            CompletableFuture.anyOf(input, network).get();
        } catch (ExecutionException e) {
            // Whichever failed first, a failed network says best what happened.
            throw failure(network.isCompletedExceptionally() ? causeOf(network) : e.getCause());
        }
    }

    /** The value of a completed future, or the {@link CommandFailure} its failure means. */
    static <T> T valueOf(CompletableFuture<T> future) throws InterruptedException {
        try {
            return future.get();
        } catch (ExecutionException e) {
            throw failure(e.getCause());
        }
    }

    /** A one-line failure for what went wrong on the network or with the input. */
    static CommandFailure failure(Throwable cause) {
        if (cause instanceof CommandFailure) {
            return (CommandFailure) cause;
        }
        if (cause instanceof UnknownHostException) {
            return new CommandFailure("unknown host '" + hostOf((UnknownHostException) cause) + "'", cause);
        }
        if (cause instanceof IOException) {
            return new CommandFailure(cause.getMessage(), cause);
        }
        if (cause instanceof RuntimeException) {
            throw (RuntimeException) cause;
        }
        return new CommandFailure(String.valueOf(cause), cause);
    }

    private static InputLine readLine(ChatConsole console) throws IOException {
        try {
            return console.readLine();
        } catch (IOException e) {
            throw new IOException("cannot read the input: " + e.getMessage(), e);
        }
    }

    private static Throwable causeOf(CompletableFuture<?> failed) {
        try {
            failed.join();
            throw new IllegalStateException("not failed");
        } catch (CompletionException e) {
            return e.getCause();
        }
    }

    /** "nosuch.example: Name or service not known" names the host before the colon. */
    private static String hostOf(UnknownHostException e) {
        String message = String.valueOf(e.getMessage());
        int colon = message.indexOf(": ");
        return colon > 0 ? message.substring(0, colon) : message;
    }
}
