/*
 * Load generator for bench/throughput.sh: sends 64-byte lines (plus '\n') to a receiver on the
 * loopback interface as fast as it can, and times how long the receiver takes to get them into its
 * output file. Run with the Java 17 source launcher, no build needed:
 *
 *   java bench/Load.java udp HOST PORT --count N --seconds S --watch FILE --out-line-bytes B
 *   java bench/Load.java tcp HOST PORT --conns C --count N --seconds S --watch FILE --out-line-bytes B
 *
 * udp: one DatagramChannel, connected, sends the same pre-encoded 65-byte direct buffer N times
 *      (or until S seconds have passed), one line per datagram.
 * tcp: C blocking SocketChannels, all connected before the clock starts; N lines in all, split evenly.
 *      Each write is one pre-built ~64 KB batch of whole lines; one thread serves up to 25 connections
 *      round-robin (1 thread for 1 connection, 4 for 100). After its last line a connection half-closes,
 *      reads until the receiver closes (or a short grace period passes) and closes: never close() with
 *      unread input, which would make Linux send a RST that can discard data the receiver has not read.
 *
 * Timing: a watcher thread stats FILE every 2 ms from before the first send and remembers when the size
 * last changed. After sending, it waits until FILE holds sent * B bytes (B = bytes the receiver prints
 * per line; TCP loses nothing) or, failing that, until FILE has not grown for --quiet-ms (UDP, where
 * some datagrams may be lost). The elapsed time reported is first send -> last growth of FILE.
 *
 * Bounds: sending stops at N lines or S seconds, whichever first; waiting for the file stops after
 * --max-wait-s more; a watchdog exits the process (status 3) if anything hangs beyond that.
 *
 * FILE may already hold output from an earlier load (a warm-up); only its growth from now on counts.
 *
 * Prints one line of key=value pairs on stdout: sent, send_s, elapsed_s (first send -> last growth),
 * file_bytes (growth of FILE), complete (FILE grew by sent*B bytes), timed_out (send bound hit first).
 */

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

public class Load {

    static final int LINE = 64;                       // text bytes per line, the newline comes on top
    static final int LINES_PER_BATCH = 65536 / (LINE + 1); // 1008 lines = 65,520 bytes per TCP write
    static final int PER_THREAD = 25;                 // TCP connections served by one sender thread

    public static void main(String[] args) throws Exception {
        if (args.length < 3) {
            System.err.println("usage: java Load.java udp|tcp HOST PORT [--conns C] --count N --seconds S"
                    + " --watch FILE --out-line-bytes B [--quiet-ms MS] [--max-wait-s S]");
            System.exit(2);
        }
        String mode = args[0];
        InetSocketAddress target = new InetSocketAddress(args[1], Integer.parseInt(args[2]));
        if (!target.getAddress().isLoopbackAddress()) {
            System.err.println("refusing to send to a non-loopback address: " + target);
            System.exit(2);
        }
        Map<String, String> opt = new HashMap<>();
        for (int i = 3; i + 1 < args.length; i += 2) {
            opt.put(args[i], args[i + 1]);
        }
        long count = Long.parseLong(opt.getOrDefault("--count", "1000000"));
        double seconds = Double.parseDouble(opt.getOrDefault("--seconds", "5"));
        int conns = Integer.parseInt(opt.getOrDefault("--conns", "1"));
        Path watch = Path.of(opt.get("--watch"));
        long outLineBytes = Long.parseLong(opt.get("--out-line-bytes"));
        long quietMs = Long.parseLong(opt.getOrDefault("--quiet-ms", "1000"));
        double maxWaitS = Double.parseDouble(opt.getOrDefault("--max-wait-s", "60"));

        Thread watchdog = new Thread(() -> {
            try {
                Thread.sleep((long) ((seconds + maxWaitS + 30) * 1000));
            } catch (InterruptedException e) {
                return;
            }
            System.err.println("Load: watchdog expired, exiting");
            Runtime.getRuntime().halt(3);
        }, "watchdog");
        watchdog.setDaemon(true);
        watchdog.start();

        byte[] line = line();
        Watcher watcher = new Watcher(watch);
        long initial = watcher.size(); // lines from an earlier (warm-up) load do not count
        watcher.start();
        Result r = mode.equals("udp")
                ? udp(target, line, count, seconds)
                : tcp(target, line, conns, count, seconds);
        long expected = initial + r.sent * outLineBytes;
        long deadline = System.nanoTime() + (long) (maxWaitS * 1e9);
        while (System.nanoTime() < deadline) {
            if (watcher.size() >= expected) {
                break;
            }
            long sinceSendEnd = System.nanoTime() - r.endNanos;
            long sinceGrowth = System.nanoTime() - watcher.lastChangeNanos();
            if (Math.min(sinceSendEnd, sinceGrowth) > quietMs * 1_000_000L) {
                break;
            }
            Thread.sleep(5);
        }
        watcher.stop();
        long size = watcher.size() - initial;
        long last = Math.max(watcher.lastChangeNanos(), r.firstNanos);
        System.out.printf("sent=%d send_s=%.4f elapsed_s=%.4f file_bytes=%d complete=%b timed_out=%b%n",
                r.sent, (r.endNanos - r.firstNanos) / 1e9, (last - r.firstNanos) / 1e9, size,
                size >= r.sent * outLineBytes, r.timedOut);
        System.exit(0);
    }

    /** 64 printable bytes and a newline. */
    static byte[] line() {
        byte[] b = new byte[LINE + 1];
        String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
        for (int i = 0; i < LINE; i++) {
            b[i] = (byte) alphabet.charAt(i % alphabet.length());
        }
        b[LINE] = '\n';
        return b;
    }

    record Result(long sent, long firstNanos, long endNanos, boolean timedOut) {}

    static Result udp(InetSocketAddress target, byte[] line, long count, double seconds) throws IOException {
        try (DatagramChannel ch = DatagramChannel.open()) {
            ch.setOption(StandardSocketOptions.SO_SNDBUF, 4 << 20);
            ch.connect(target);
            ByteBuffer buf = ByteBuffer.allocateDirect(line.length);
            buf.put(line).flip();
            long sent = 0;
            long first = System.nanoTime();
            long deadline = first + (long) (seconds * 1e9);
            boolean timedOut = false;
            while (sent < count) {
                buf.position(0);
                try {
                    ch.write(buf);
                } catch (java.net.PortUnreachableException e) {
                    // ICMP from an earlier datagram; the receiver is gone. Count the datagram as sent anyway.
                }
                sent++;
                if ((sent & 1023) == 0 && System.nanoTime() > deadline) {
                    timedOut = sent < count;
                    break;
                }
            }
            return new Result(sent, first, System.nanoTime(), timedOut);
        }
    }

    static Result tcp(InetSocketAddress target, byte[] line, int conns, long count, double seconds)
            throws Exception {
        ByteBuffer batch = ByteBuffer.allocateDirect(LINES_PER_BATCH * line.length);
        for (int i = 0; i < LINES_PER_BATCH; i++) {
            batch.put(line);
        }
        batch.flip();
        ByteBuffer shared = batch.asReadOnlyBuffer();
        List<SocketChannel> channels = new ArrayList<>();
        for (int i = 0; i < conns; i++) {
            SocketChannel ch = SocketChannel.open(target); // blocking
            ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
            channels.add(ch);
        }
        int threads = (conns + PER_THREAD - 1) / PER_THREAD;
        AtomicLong sent = new AtomicLong();
        long[] quota = new long[conns];
        for (int i = 0; i < conns; i++) {
            quota[i] = count / conns + (i < count % conns ? 1 : 0);
        }
        long first = System.nanoTime();
        long deadline = first + (long) (seconds * 1e9);
        boolean[] timedOut = new boolean[1];
        List<Thread> workers = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
            int from = t * conns / threads;
            int to = (t + 1) * conns / threads;
            Thread w = new Thread(() -> {
                ByteBuffer mine = shared.duplicate();
                long[] left = new long[to - from];
                for (int i = from; i < to; i++) {
                    left[i - from] = quota[i];
                }
                boolean any = true;
                try {
                    while (any) {
                        any = false;
                        if (System.nanoTime() > deadline) {
                            for (long l : left) {
                                if (l > 0) {
                                    timedOut[0] = true;
                                }
                            }
                            break;
                        }
                        for (int i = from; i < to; i++) {
                            long n = Math.min(left[i - from], LINES_PER_BATCH);
                            if (n == 0) {
                                continue;
                            }
                            mine.clear().limit((int) n * line.length);
                            SocketChannel ch = channels.get(i);
                            while (mine.hasRemaining()) {
                                ch.write(mine);
                            }
                            left[i - from] -= n;
                            sent.addAndGet(n);
                            any = true;
                        }
                    }
                } catch (IOException e) {
                    System.err.println("Load: send failed: " + e);
                }
            }, "sender-" + t);
            w.start();
            workers.add(w);
        }
        for (Thread w : workers) {
            w.join();
        }
        long end = System.nanoTime();
        // Half-close, read whatever the receiver sent (a greeting) until it closes, then close.
        for (SocketChannel ch : channels) {
            try {
                ch.shutdownOutput();
                ch.configureBlocking(false);
            } catch (IOException e) {
                // already gone
            }
        }
        ByteBuffer sink = ByteBuffer.allocate(4096);
        long grace = System.nanoTime() + 2_000_000_000L;
        List<SocketChannel> open = new ArrayList<>(channels);
        while (!open.isEmpty() && System.nanoTime() < grace) {
            open.removeIf(ch -> {
                try {
                    sink.clear();
                    int n;
                    while ((n = ch.read(sink)) > 0) {
                        sink.clear();
                    }
                    if (n < 0) {
                        ch.close();
                        return true;
                    }
                    return false;
                } catch (IOException e) {
                    closeQuietly(ch);
                    return true;
                }
            });
            Thread.sleep(2);
        }
        for (SocketChannel ch : open) {
            closeQuietly(ch);
        }
        return new Result(sent.get(), first, end, timedOut[0]);
    }

    static void closeQuietly(SocketChannel ch) {
        try {
            ch.close();
        } catch (IOException ignored) {
            // nothing to do
        }
    }

    /** Stats a file every 2 ms and remembers when its size last changed. */
    static final class Watcher implements Runnable {
        private final Path file;
        private final Thread thread;
        private volatile long size;
        private volatile long lastChange = System.nanoTime();
        private volatile boolean running = true;

        Watcher(Path file) {
            this.file = file;
            this.thread = new Thread(this, "watcher");
            thread.setDaemon(true);
            this.size = sizeOf();
        }

        void start() {
            thread.start();
        }

        void stop() throws InterruptedException {
            running = false;
            thread.join();
        }

        long size() {
            return size;
        }

        long lastChangeNanos() {
            return lastChange;
        }

        private long sizeOf() {
            try {
                return Files.size(file);
            } catch (IOException e) {
                return 0;
            }
        }

        @Override
        public void run() {
            while (running) {
                long now = System.nanoTime();
                long s = sizeOf();
                if (s != size) {
                    size = s;
                    lastChange = now;
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    return;
                }
            }
        }
    }
}
