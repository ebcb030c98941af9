package org.dualchat.bench;

import java.io.BufferedOutputStream;
import java.io.BufferedWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageFormat;
import org.dualchat.core.PrintingSink;
import org.dualchat.core.Protocol;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Formatting and printing: MessageFormat.PLAIN into a JDK writer chain (BufferedWriter, OutputStreamWriter,
 * with and without a BufferedOutputStream), to a stream that discards, as the sink formats a line that is
 * not plain ASCII; and the whole PrintingSink, from offer to flushed output, 100,000 messages a time, one
 * offer each or in batches of a read's lines (offerAll, 1,008 lines: a 64 KB read of 64-byte lines).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class OutputBenchmark {

    // Large enough that the wait for the last flush (awaitIdle polls every millisecond) is a small part.
    private static final int SINK_BATCH = 100_000;
    private static final int READ_LINES = 1008;

    @Param({"ascii64", "multibyte64"})
    public String payload;

    private ChatMessage message;
    private Writer jdkWriter;
    private Writer jdkWriterOverBufferedStream;
    private PrintingSink sink;
    private List<ChatMessage> read;

    @Setup(Level.Trial)
    public void setUp() {
        String text = payload.equals("ascii64") ? "a".repeat(64) : "héllo wörld 世界 ".repeat(3);
        message = new ChatMessage(Protocol.UDP, "127.0.0.1", 40312, text);
        jdkWriter = new BufferedWriter(new OutputStreamWriter(Discard.INSTANCE, StandardCharsets.UTF_8), 64 * 1024);
        jdkWriterOverBufferedStream = new BufferedWriter(new OutputStreamWriter(
                new BufferedOutputStream(Discard.INSTANCE, 64 * 1024), StandardCharsets.UTF_8), 64 * 1024);
        sink = new PrintingSink(Discard.INSTANCE, MessageFormat.PLAIN, 65_536, Long.MAX_VALUE);
        read = new ArrayList<>();
        for (int i = 0; i < READ_LINES; i++) {
            read.add(message);
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sink.close();
    }

    @Benchmark
    public void plainIntoBufferedOutputStreamWriter() throws IOException {
        MessageFormat.PLAIN.write(message, jdkWriter);
    }

    @Benchmark
    public void plainIntoBufferedOutputStreamWriterOverBufferedStream() throws IOException {
        MessageFormat.PLAIN.write(message, jdkWriterOverBufferedStream);
    }

    @Benchmark
    @OperationsPerInvocation(SINK_BATCH)
    public void printingSinkOfferToFlush() throws InterruptedException {
        for (int i = 0; i < SINK_BATCH; i++) {
            while (!sink.offer(message)) {
                Thread.onSpinWait();
            }
        }
        sink.awaitIdle(Duration.ofSeconds(10));
    }

    @Benchmark
    @OperationsPerInvocation(SINK_BATCH / READ_LINES * READ_LINES)
    public void printingSinkOfferAllToFlush() throws InterruptedException {
        for (int i = 0; i < SINK_BATCH / READ_LINES; i++) {
            int taken = 0;
            while (taken < READ_LINES) {
                taken += sink.offerAll(taken == 0 ? read : read.subList(taken, READ_LINES));
                if (taken < READ_LINES) {
                    Thread.onSpinWait();
                }
            }
        }
        sink.awaitIdle(Duration.ofSeconds(10));
    }

    /** Stands in for a file: takes bytes and keeps nothing. */
    static final class Discard extends OutputStream {
        static final Discard INSTANCE = new Discard();

        @Override
        public void write(int b) {
        }

        @Override
        public void write(byte[] b, int off, int len) {
        }
    }
}
