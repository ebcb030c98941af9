package org.dualchat.core;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * The {@link PrintingSink}'s queue: many producers, one consumer (the writer), no lock. Each element is a
 * {@link ChatMessage}, a {@code ChatMessage[]} handed over at once, or such lines already {@link Printed}; the
 * count of messages is held to a capacity. The writer, when it finds nothing, says it parks before it looks a
 * last time, so that a producer wakes it only then.
 */
final class SinkQueue {

    private final ConcurrentLinkedQueue<Object> queue = new ConcurrentLinkedQueue<>();
    private final int capacity;
    // Messages in the queue (an upper bound while an offer is on its way in).
    private final AtomicInteger size = new AtomicInteger();
    private volatile boolean consumerParked;
    private volatile Thread consumer;

    SinkQueue(int capacity) {
        this.capacity = capacity;
    }

    /** The thread that {@link #take}s, woken by {@link #put}. */
    void consumer(Thread thread) {
        this.consumer = thread;
    }

    /** Reserves room for {@code count} messages, or nothing and {@code false}. */
    boolean reserve(int count) {
        if (size.addAndGet(count) > capacity) {
            size.addAndGet(-count);
            return false;
        }
        return true;
    }

    /** Adds an element over the capacity (the end marker): what is accepted stays bounded, this is one more. */
    void putOver(Object element) {
        size.incrementAndGet();
        put(element);
    }

    /** Adds an element whose room was {@link #reserve reserved}, and wakes the consumer if it parked. */
    void put(Object element) {
        queue.offer(element);
        if (consumerParked) {
            consumerParked = false;
            LockSupport.unpark(consumer);
        }
    }

    /** Gives back the room of {@code count} messages the consumer has taken. */
    void taken(int count) {
        size.addAndGet(-count);
    }

    int size() {
        return size.get();
    }

    /** How many of the queued messages wait {@link Printed}; for tests. */
    int printedLines() {
        int lines = 0;
        for (Object element : queue) {
            lines += element instanceof Printed printed ? printed.lines() : 0;
        }
        return lines;
    }

    Object poll() {
        return queue.poll();
    }

    /** The next element, parking until one comes. */
    Object take() throws InterruptedException {
        while (true) {
            consumerParked = true;
            Object next = queue.poll();
            if (next != null) {
                consumerParked = false;
                return next;
            }
            LockSupport.park(this);
            if (Thread.interrupted()) {
                throw new InterruptedException();
            }
        }
    }

    /**
     * Lines printed into their bytes as they were offered ({@link LineOutput#preprint}), as one element: they
     * count as {@code lines} messages of {@code weight} characters.
     */
    record Printed(byte[] bytes, int lines, long weight) {}

    /**
     * Adds the message or messages of {@code element} to {@code batch} ({@link Printed} lines as one element);
     * how many messages that was.
     */
    static int addTo(List<Object> batch, Object element) {
        if (element instanceof ChatMessage[] messages) {
            batch.addAll(Arrays.asList(messages));
            return messages.length;
        }
        batch.add(element);
        return element instanceof Printed printed ? printed.lines() : 1;
    }
}
