package org.dualchat.netty.testing;

import java.util.ArrayList;
import java.util.List;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;

/** A sink for handler tests: takes as many messages as it has been given room for, and no more. */
public final class ControlledSink implements MessageSink {

    private final List<ChatMessage> accepted = new ArrayList<>();
    private final List<Runnable> waiters = new ArrayList<>();
    private int room;
    private int offerAllCalls;
    public boolean closed;

    public ControlledSink(int room) {
        this.room = room;
    }

    public static ControlledSink unbounded() {
        return new ControlledSink(Integer.MAX_VALUE);
    }

    @Override
    public synchronized boolean offer(ChatMessage message) {
        if (room == 0 || closed) {
            return false;
        }
        room--;
        accepted.add(message);
        return true;
    }

    /** The calls to {@link #offerAll}: one per batch handed over. */
    public synchronized int offerAllCalls() {
        return offerAllCalls;
    }

    @Override
    public int offerAll(List<ChatMessage> messages) {
        synchronized (this) {
            offerAllCalls++;
        }
        return MessageSink.super.offerAll(messages);
    }

    @Override
    public void whenReady(Runnable task) {
        synchronized (this) {
            if (room == 0) {
                waiters.add(task);
                return;
            }
        }
        task.run();
    }

    /** Makes room for {@code more} messages and wakes whoever waits for it. */
    public void makeRoom(int more) {
        List<Runnable> woken;
        synchronized (this) {
            room += more;
            woken = new ArrayList<>(waiters);
            waiters.clear();
        }
        woken.forEach(Runnable::run);
    }

    public synchronized int waiting() {
        return waiters.size();
    }

    /** How many messages it has taken so far. */
    public synchronized int acceptedCount() {
        return accepted.size();
    }

    public synchronized List<String> texts() {
        return accepted.stream().map(ChatMessage::text).toList();
    }

    public synchronized List<ChatMessage> messages() {
        return List.copyOf(accepted);
    }

    @Override
    public synchronized void close() {
        closed = true;
    }
}
