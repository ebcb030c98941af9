package org.dualchat.netty.client;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;

/** A test sink that keeps what it is given, and can be made to refuse until told otherwise. */
final class CollectingSink implements MessageSink {

    private final LinkedBlockingQueue<ChatMessage> messages = new LinkedBlockingQueue<>();
    private final ConcurrentLinkedQueue<Runnable> waiters = new ConcurrentLinkedQueue<>();
    private volatile boolean full;

    @Override
    public boolean offer(ChatMessage message) {
        if (full) {
            return false;
        }
        messages.add(message);
        return true;
    }

    @Override
    public void whenReady(Runnable task) {
        waiters.add(task);
        if (!full) {
            runWaiters();
        }
    }

    @Override
    public void close() {}

    void setFull(boolean full) {
        this.full = full;
        if (!full) {
            runWaiters();
        }
    }

    int waiting() {
        return waiters.size();
    }

    ChatMessage take(Duration timeout) throws InterruptedException {
        return messages.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
    }

    List<ChatMessage> drain() {
        List<ChatMessage> all = new ArrayList<>();
        messages.drainTo(all);
        return all;
    }

    List<String> texts() {
        List<String> texts = new ArrayList<>();
        for (ChatMessage m : messages) {
            texts.add(m.text());
        }
        return texts;
    }

    private void runWaiters() {
        Runnable task;
        while ((task = waiters.poll()) != null) {
            task.run();
        }
    }
}
