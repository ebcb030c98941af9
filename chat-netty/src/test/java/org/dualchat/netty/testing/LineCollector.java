package org.dualchat.netty.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.Predicate;

/**
 * Stands in for stdout in server tests: keeps what was printed, and can be held shut like a terminal
 * nobody reads, to fill the sink on purpose.
 */
public final class LineCollector extends OutputStream {

    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final CountDownLatch gate;

    private LineCollector(boolean open) {
        gate = new CountDownLatch(open ? 0 : 1);
    }

    public static LineCollector open() {
        return new LineCollector(true);
    }

    public static LineCollector shut() {
        return new LineCollector(false);
    }

    public void release() {
        gate.countDown();
    }

    public List<String> lines() {
        String text;
        synchronized (bytes) {
            text = bytes.toString(StandardCharsets.UTF_8);
        }
        // Only whole lines: the last part is empty, or a line still being written.
        String[] parts = text.split("\n", -1);
        return Arrays.asList(parts).subList(0, parts.length - 1);
    }

    /** Waits until the printed lines satisfy {@code condition}; returns them either way. */
    public List<String> await(Predicate<List<String>> condition, Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        List<String> lines = lines();
        while (!condition.test(lines) && System.nanoTime() < deadline) {
            Thread.sleep(5);
            lines = lines();
        }
        return lines;
    }

    public List<String> awaitCount(int count, Duration timeout) throws InterruptedException {
        return await(lines -> lines.size() >= count, timeout);
    }

    @Override
    public void write(int b) throws IOException {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
        try {
            gate.await();
        } catch (InterruptedException e) {
            throw new IOException(e);
        }
        synchronized (bytes) {
            bytes.write(b, off, len);
        }
    }
}
