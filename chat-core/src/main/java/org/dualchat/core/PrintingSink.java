package org.dualchat.core;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A {@link MessageSink} that prints each message as one line on an output stream, from a thread of its
 * own, so that the event loops that offer messages never wait for the terminal or the disk.
 *
 * <p>The queue between them is bounded twice: by the number of messages and by the characters they
 * hold, so a burst of 64 KB datagrams cannot take the heap. Output is buffered, and flushed once the
 * queue has stayed empty for 0.2 ms (and at least every 2 ms): a quiet server shows each line at once,
 * a busy one writes in large blocks.
 *
 * <p>Handing a message over takes no lock: the queue is lock-free, and the writer, when it has nothing to
 * do, parks after saying so, so that a producer wakes it only then. A plain line of printable ASCII is
 * copied into the output block as it is checked ({@link LineOutput}).
 *
 * <pre>{@code
 * try (PrintingSink sink = new PrintingSink(System.out, MessageFormat.PLAIN)) {
 *     sink.offer(new ChatMessage(Protocol.UDP, "127.0.0.1", 40312, "hello"));
 * } // close() prints everything accepted, then flushes
 * }</pre>
 */
public final class PrintingSink implements MessageSink {

    private static final Logger logger = LoggerFactory.getLogger(PrintingSink.class);

    /** Default bound on the number of queued messages. */
    public static final int DEFAULT_CAPACITY = 65_536;

    /**
     * Default bound on the characters held by queued messages: about 32 MB of Latin-1 text, or an eighth of
     * the heap if that is less, so that a small heap (the launcher's) is not filled by a slow terminal.
     */
    public static final long DEFAULT_MAX_QUEUED_CHARS =
            Math.max(1L << 20, Math.min(32L * 1024 * 1024, Runtime.getRuntime().maxMemory() / 8));

    private static final int BATCH = 1024;
    // When the queue runs empty, the writer looks again for this long before it flushes and sleeps: under a
    // steady stream the next message is microseconds away, and a flush (a write call) and a wake-up per
    // message cost more than printing it. No line waits longer than MAX_UNFLUSHED_NANOS to be flushed.
    private static final long LINGER_NANOS = 200_000;
    private static final long LINGER_STEP_NANOS = 50_000;
    private static final long MAX_UNFLUSHED_NANOS = 2_000_000;
    private static final ChatMessage END = new ChatMessage(Protocol.UDP, "", 0, "");

    private final SinkQueue queue;
    private final MessageFormat format;
    private final int capacity;
    private final long maxQueuedChars;
    private final int resumeAtSize;
    private final long resumeAtChars;
    private final int deepAt;
    private final AtomicLong queuedChars = new AtomicLong();
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    private final LongAdder printed = new LongAdder();
    private final AtomicLong accepted = new AtomicLong();
    private volatile long flushed;
    // Tasks waiting for the messages accepted before them to be flushed; in the order given.
    private final ConcurrentLinkedQueue<AfterPrinted> afterPrinted = new ConcurrentLinkedQueue<>();

    private record AfterPrinted(long accepted, Runnable task) {}
    private final LineOutput out;
    private final Thread writer;
    private volatile boolean closed;
    private boolean broken;

    /** A sink with the default bounds, printing UTF-8 to {@code out}. */
    public PrintingSink(OutputStream out, MessageFormat format) {
        this(out, format, DEFAULT_CAPACITY, DEFAULT_MAX_QUEUED_CHARS);
    }

    /**
     * A sink printing UTF-8 to {@code out}, holding at most {@code capacity} messages and about
     * {@code maxQueuedChars} characters of text.
     */
    public PrintingSink(OutputStream out, MessageFormat format, int capacity, long maxQueuedChars) {
        requireNonNull(out, "out");
        if (capacity < 1) {
            throw new IllegalArgumentException("capacity: " + capacity + " (expected: > 0)");
        }
        if (maxQueuedChars < 1) {
            throw new IllegalArgumentException("maxQueuedChars: " + maxQueuedChars + " (expected: > 0)");
        }
        requireNonNull(format, "format");
        this.queue = new SinkQueue(capacity);
        this.format = format;
        this.capacity = capacity;
        this.maxQueuedChars = maxQueuedChars;
        // Readers resume at half full: a paused sender gets a large window, not one slot at a time.
        this.resumeAtSize = capacity / 2;
        this.resumeAtChars = maxQueuedChars / 2;
        // A read's lines offered behind this many wait a few milliseconds: longer than a young collection's
        // interval under load, so they are the ones the collector would copy and promote (see offerAll).
        this.deepAt = capacity / 8;
        // One write call per 64 KB block when busy. (For lines that are not plain ASCII the JDK's encoder,
        // with its ASCII fast path, beats a hand-written UTF-8 loop: see chat-bench OutputBenchmark.)
        this.out = new LineOutput(out, format);
        this.writer = new Thread(this::writeLoop, "dualchat-sink");
        writer.setDaemon(true);
        queue.consumer(writer);
        writer.start();
    }

    @Override
    public boolean offer(ChatMessage message) {
        requireNonNull(message, "message");
        if (closed) {
            return false;
        }
        long size = weight(message);
        // One message is always let in, however large, so that no message can be refused forever.
        if (queuedChars.get() + size > maxQueuedChars && queue.size() > 0 || !queue.reserve(1)) {
            return false;
        }
        queuedChars.addAndGet(size);
        accepted.incrementAndGet();
        queue.put(message);
        return true;
    }

    /**
     * Takes all of {@code messages} as one element of the queue when they all fit: one hand-over for a
     * whole read of lines, rather than one each. Otherwise as many as fit, one by one.
     *
     * <p>Behind a deep queue (the output slower than the senders) lines wait long enough for the young
     * collections to copy them and promote them to the old generation, which then fills at the output's
     * speed and is collected whole again and again. So there plain ASCII lines are printed into one array of
     * bytes here, on the caller's thread, and their messages left to die young; the writer has only to copy
     * them out.
     */
    @Override
    public int offerAll(List<ChatMessage> messages) {
        int count = messages.size();
        if (count < 2 || closed) {
            return count == 1 ? (offer(messages.get(0)) ? 1 : 0) : 0;
        }
        long weight = 0;
        for (ChatMessage message : messages) {
            weight += weight(message);
        }
        if (queuedChars.get() + weight > maxQueuedChars && queue.size() > 0 || !queue.reserve(count)) {
            return MessageSink.super.offerAll(messages);
        }
        queuedChars.addAndGet(weight);
        accepted.addAndGet(count);
        byte[] bytes = format == MessageFormat.PLAIN && queue.size() > deepAt ? LineOutput.preprint(messages) : null;
        queue.put(bytes != null ? new SinkQueue.Printed(bytes, count, weight) : messages.toArray(new ChatMessage[0]));
        return count;
    }

    @Override
    public void whenReady(Runnable task) {
        requireNonNull(task, "task");
        if (closed) {
            return;
        }
        waiters.add(task);
        // The writer checks for waiters after every batch; checking here as well closes the gap in which
        // it may have drained the queue between the caller's failed offer and this registration.
        if (hasRoom()) {
            releaseWaiters();
        }
    }

    /** Runs {@code task} on the writer's thread once everything accepted so far is written and flushed. */
    @Override
    public void afterPrinted(Runnable task) {
        requireNonNull(task, "task");
        long target = accepted.get();
        if (flushed >= target) {
            task.run();
            return;
        }
        afterPrinted.add(new AfterPrinted(target, task));
        // The writer may have flushed between the check and the add.
        runPrinted();
    }

    private void runPrinted() {
        AfterPrinted next;
        while ((next = afterPrinted.peek()) != null && next.accepted() <= flushed) {
            if (afterPrinted.remove(next)) {
                try {
                    next.task().run();
                } catch (RuntimeException e) {
                    logger.warn("A task after printing failed", e);
                }
            }
        }
    }

    /** The number of messages written so far. */
    public long printed() {
        return printed.sum();
    }

    /** The number of messages waiting to be written. */
    public int queued() {
        return queue.size();
    }

    /** The number of messages waiting to be written that wait as their bytes ({@link #offerAll}); for tests. */
    int queuedAsBytes() {
        return queue.printedLines();
    }

    /** A sink with this one's format and bounds, printing to {@link OutputStream#nullOutputStream()}. */
    @Override
    public MessageSink discardingTwin() {
        return new PrintingSink(OutputStream.nullOutputStream(), format, capacity, maxQueuedChars);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        waiters.clear();
        try {
            // The end marker goes in over the capacity: what is accepted is bounded, the marker is one more.
            queue.putOver(END);
            writer.join(TimeUnit.SECONDS.toMillis(30));
            if (writer.isAlive()) {
                logger.warn("Output did not drain within 30 seconds; {} messages left unprinted", queue.size());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** Waits up to {@code timeout} until every message accepted so far has been written and flushed. */
    public boolean awaitIdle(Duration timeout) throws InterruptedException {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (flushed < accepted.get()) {
            if (System.nanoTime() - deadline > 0) {
                return false;
            }
            Thread.sleep(1);
        }
        return true;
    }

    private boolean hasRoom() {
        return queue.size() <= resumeAtSize && queuedChars.get() <= resumeAtChars;
    }

    private void releaseWaiters() {
        Runnable task;
        while ((task = waiters.poll()) != null) {
            try {
                task.run();
            } catch (RuntimeException e) {
                logger.warn("A sink waiter failed", e);
            }
        }
    }

    private void writeLoop() {
        List<Object> batch = new ArrayList<>(BATCH);
        boolean ending = false;
        long unflushedSince = 0;
        try {
            while (!ending) {
                Object first = queue.poll();
                if (first == null && unflushedSince != 0) {
                    first = linger(unflushedSince);
                }
                if (first == null) {
                    if (unflushedSince != 0) {
                        flush();
                        unflushedSince = 0;
                    }
                    first = queue.take();
                }
                int lines = SinkQueue.addTo(batch, first);
                Object next;
                while (lines < BATCH && (next = queue.poll()) != null) {
                    lines += SinkQueue.addTo(batch, next);
                }
                long written = 0;
                for (Object element : batch) {
                    if (element == END) {
                        ending = true;
                    } else {
                        written += write(element);
                    }
                }
                printed.add(lines - (ending ? 1 : 0));
                queue.taken(lines);
                batch.clear();
                queuedChars.addAndGet(-written);
                if (!waiters.isEmpty() && hasRoom()) {
                    releaseWaiters();
                }
                if (unflushedSince == 0) {
                    unflushedSince = System.nanoTime();
                }
                if (ending || System.nanoTime() - unflushedSince > MAX_UNFLUSHED_NANOS) {
                    flush();
                    unflushedSince = 0;
                }
            }
            // A producer that raced close() may have got in behind the end marker.
            Object late;
            while ((late = queue.poll()) != null) {
                int lines = SinkQueue.addTo(batch, late);
                for (Object element : batch) {
                    write(element);
                }
                printed.add(lines);
                queue.taken(lines);
                batch.clear();
            }
            flush();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Looks for the next message for a short while, sleeping between looks rather than waiting on the
     * queue, so that producers need not wake this thread for each message; {@code null} if none came.
     */
    private Object linger(long unflushedSince) {
        long until = Math.min(System.nanoTime() + LINGER_NANOS, unflushedSince + MAX_UNFLUSHED_NANOS);
        while (System.nanoTime() - until < 0) {
            LockSupport.parkNanos(LINGER_STEP_NANOS);
            Object next = queue.poll();
            if (next != null) {
                return next;
            }
        }
        return null;
    }

    /** Writes a message or {@link SinkQueue.Printed} lines, unless the output is broken; their weight. */
    private long write(Object element) {
        SinkQueue.Printed lines = element instanceof SinkQueue.Printed p ? p : null;
        if (!broken) {
            try {
                if (lines != null) {
                    out.writePrinted(lines.bytes());
                } else {
                    out.write((ChatMessage) element);
                }
            } catch (IOException e) {
                fail(e);
            }
        }
        return lines != null ? lines.weight() : weight((ChatMessage) element);
    }

    private void flush() {
        if (!broken) {
            try {
                out.flush();
            } catch (IOException e) {
                fail(e);
            }
        }
        flushed = printed.sum();
        runPrinted();
    }

    private void fail(IOException e) {
        // Keep consuming so that readers never stall on a dead output, but say so once.
        broken = true;
        logger.error("Cannot write messages to the output any more, discarding from now on: {}", e.toString());
    }

    private static long weight(ChatMessage message) {
        return (long) message.text().length() + message.ip().length();
    }
}
