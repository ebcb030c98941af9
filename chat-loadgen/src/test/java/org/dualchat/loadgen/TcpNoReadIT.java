package org.dualchat.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.dualchat.netty.common.TransportType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * {@code bench tcp --no-read}: connections that never read while the load runs, against a stub server that
 * sends each connection more than its sockets can hold and reports lines only when the test lets it.
 */
class TcpNoReadIT {

    /** More than the kernel holds for a client that does not read (its receive buffer and our send buffer). */
    private static final int BLOB = 24 * 1024 * 1024;

    @Test
    @Timeout(60)
    void connectionsReadNothingUntilEveryLineIsCounted() throws Exception {
        int connections = 3;
        long lines = 3_000;
        AtomicLong seen = new AtomicLong();
        AtomicLong reported = new AtomicLong();
        AtomicInteger blobsWritten = new AtomicInteger();
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        ExecutorService threads = Executors.newCachedThreadPool();
        try (ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            threads.submit(() -> {
                for (int i = 0; i < connections; i++) {
                    Socket socket = server.accept();
                    accepted.add(socket);
                    threads.submit(() -> writeBlob(socket, blobsWritten));
                    threads.submit(() -> countLines(socket, seen));
                }
                return null;
            });
            ReceivedCounter counter = new ReceivedCounter() {
                @Override
                public long count() {
                    return reported.get();
                }

                @Override
                public String description() {
                    return "lines the stub let through";
                }
            };
            // At a rate, so that the load lasts about half a second: long enough for a connection that reads
            // after its own last line to be caught doing it.
            LoadSpec spec = new LoadSpec("127.0.0.1", server.getLocalPort(), 6_000, 16, connections, lines,
                    Duration.ofSeconds(30), TransportType.AUTO, 0);
            Future<LoadResult> run = threads.submit(
                    () -> TcpLoad.run(spec, counter, Duration.ofSeconds(20), Duration.ofSeconds(30), false));

            long giveUp = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen.get() < lines && System.nanoTime() < giveUp) {
                Thread.sleep(10);
            }
            assertThat(seen.get()).as("every line reached the stub").isEqualTo(lines);
            Thread.sleep(500);
            assertThat(blobsWritten.get()).as("no connection read while the count was short").isZero();

            reported.set(lines);
            LoadResult result = run.get(30, TimeUnit.SECONDS);
            assertThat(result.received()).isEqualTo(lines);
            long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
            while (blobsWritten.get() < connections && System.nanoTime() < until) {
                Thread.sleep(10);
            }
            assertThat(blobsWritten.get()).as("every connection read to the end once counted").isEqualTo(connections);
        } finally {
            for (Socket socket : accepted) {
                socket.close();
            }
            threads.shutdownNow();
        }
    }

    private static Void writeBlob(Socket socket, AtomicInteger written) throws IOException {
        OutputStream out = socket.getOutputStream();
        byte[] chunk = new byte[64 * 1024];
        Arrays.fill(chunk, (byte) 'x');
        chunk[chunk.length - 1] = '\n';
        for (int sent = 0; sent < BLOB; sent += chunk.length) {
            out.write(chunk);
        }
        out.flush();
        written.incrementAndGet();
        socket.shutdownOutput();
        return null;
    }

    private static Void countLines(Socket socket, AtomicLong seen) throws IOException {
        InputStream in = socket.getInputStream();
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        while (reader.readLine() != null) {
            seen.incrementAndGet();
        }
        return null;
    }
}
