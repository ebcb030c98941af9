package org.dualchat.redis.testing;

import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A real {@code redis-server} (Debian's package) for tests: on a free loopback port, in a temporary directory
 * of its own, answering PING before {@link #start()} returns; stopped by its PID, and restartable on the same
 * port and directory ("Redis restarted in the middle of a chat"). With {@code persistent}, it keeps an
 * append-only file, so the room's stream survives a restart.
 */
public final class RedisServer implements AutoCloseable {

    private static final Duration START_WAIT = Duration.ofSeconds(10);

    private final boolean persistent;
    private final Path dir;
    private final int port;
    private final List<String> extra;
    private Process process;

    /**
     * @param persistent keep an append-only file (fsync every write) so that data survives a restart
     * @param extra more {@code redis-server} arguments, such as {@code --requirepass secret}
     */
    public RedisServer(boolean persistent, String... extra) throws IOException {
        this.persistent = persistent;
        this.dir = Files.createTempDirectory("dualchat-redis-");
        this.port = freePort();
        this.extra = List.of(extra);
    }

    /** Where {@code redis-server} is; fails with what to install if it is nowhere. */
    public static String executable() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (Files.isExecutable(Path.of(candidate))) {
                return candidate;
            }
        }
        String path = System.getenv().getOrDefault("PATH", "");
        for (String part : path.split(":")) {
            if (!part.isEmpty() && Files.isExecutable(Path.of(part, "redis-server"))) {
                return Path.of(part, "redis-server").toString();
            }
        }
        throw new IllegalStateException("redis-server not found: these tests need a real Redis;"
                + " install Debian's redis-server package (apt-get install redis-server; .ci/run does)");
    }

    /** Starts it (again, on the same port and directory) and waits until it answers PING. */
    public synchronized RedisServer start() throws IOException, InterruptedException {
        if (process != null && process.isAlive()) {
            throw new IllegalStateException("already running");
        }
        List<String> command = new ArrayList<>(List.of(executable(),
                "--port", Integer.toString(port), "--bind", "127.0.0.1", "--dir", dir.toString(),
                "--save", "", "--appendonly", persistent ? "yes" : "no", "--appendfsync", "always",
                "--daemonize", "no", "--protected-mode", "no", "--logfile", dir.resolve("redis.log").toString()));
        command.addAll(extra);
        process = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve("redis.out").toFile()).start();
        long deadline = System.nanoTime() + START_WAIT.toNanos();
        while (true) {
            try {
                Object reply = command("PING");
                if (reply instanceof String
                        || reply instanceof RedisError error && !error.message().startsWith("LOADING")) {
                    return this; // PONG, or NOAUTH with a password: it is up, its data loaded.
                }
                throw new IOException("still loading its data");
            } catch (IOException notYet) {
                if (!process.isAlive()) {
                    throw new IOException("redis-server exited with " + process.exitValue() + ": " + log());
                }
                if (System.nanoTime() > deadline) {
                    throw new IOException("redis-server did not answer PING within " + START_WAIT.toSeconds()
                            + " s: " + log());
                }
                Thread.sleep(20);
            }
        }
    }

    /** Stops it with SIGTERM (a clean shutdown: the append-only file is complete) and waits for its end. */
    public synchronized void stop() throws InterruptedException {
        end(false);
    }

    /** Kills it with SIGKILL. */
    public synchronized void kill() throws InterruptedException {
        end(true);
    }

    private void end(boolean force) throws InterruptedException {
        if (process == null) {
            return;
        }
        ProcessHandle handle = process.toHandle();
        if (force) {
            handle.destroyForcibly();
        } else {
            handle.destroy();
        }
        if (!process.waitFor(10, TimeUnit.SECONDS)) {
            handle.destroyForcibly();
            process.waitFor(5, TimeUnit.SECONDS);
        }
        process = null;
    }

    /** Stops it and starts it again on the same port and directory. */
    public RedisServer restart() throws IOException, InterruptedException {
        stop();
        return start();
    }

    public int port() {
        return port;
    }

    /** The PID of the running server. */
    public synchronized long pid() {
        if (process == null) {
            throw new IllegalStateException("not running");
        }
        return process.pid();
    }

    public synchronized boolean isRunning() {
        return process != null && process.isAlive();
    }

    /** {@code redis://127.0.0.1:PORT}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    /**
     * Sends one command on a connection of its own and returns the reply: a {@code String} (simple or bulk,
     * {@code null} for a null bulk), a {@code Long}, a {@code List} or a {@link RedisError}.
     */
    public Object command(String... args) throws IOException {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port)) {
            socket.setSoTimeout(5000);
            OutputStream out = socket.getOutputStream();
            StringBuilder request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(arg).append("\r\n");
            }
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            return read(new BufferedInputStream(socket.getInputStream()));
        }
    }

    /** An error reply. */
    public record RedisError(String message) {}

    private static Object read(InputStream in) throws IOException {
        int type = in.read();
        String line = line(in);
        switch (type) {
            case '+':
                return line;
            case '-':
                return new RedisError(line);
            case ':':
                return Long.parseLong(line);
            case '$': {
                int length = Integer.parseInt(line);
                if (length < 0) {
                    return null;
                }
                byte[] bytes = in.readNBytes(length + 2);
                return new String(bytes, 0, length, StandardCharsets.UTF_8);
            }
            case '*': {
                int count = Integer.parseInt(line);
                List<Object> items = new ArrayList<>();
                for (int i = 0; i < count; i++) {
                    items.add(read(in));
                }
                return items;
            }
            default:
                throw new IOException("not a RESP reply: " + (char) type + line);
        }
    }

    private static String line(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        int c;
        while ((c = in.read()) != '\r') {
            if (c < 0) {
                throw new IOException("connection closed");
            }
            line.append((char) c);
        }
        in.read();
        return line.toString();
    }

    private String log() {
        try {
            return Files.readString(dir.resolve("redis.out")).strip() + " " + Files.readString(dir.resolve("redis.log"))
                    .strip().lines().reduce((a, b) -> b).orElse("");
        } catch (IOException e) {
            return "(no log)";
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }

    /** Stops it and deletes its directory. */
    @Override
    public void close() throws Exception {
        stop();
        try (var files = Files.walk(dir)) {
            files.sorted((a, b) -> b.getNameCount() - a.getNameCount()).forEach(p -> p.toFile().delete());
        }
    }
}
