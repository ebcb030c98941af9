package org.dualchat.netty;

import java.util.concurrent.atomic.AtomicInteger;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;

/** Passes everything on to a real sink and counts what it accepted: what the server has received. */
final class CountingSink implements MessageSink {

    private final MessageSink delegate;
    private final AtomicInteger accepted = new AtomicInteger();

    CountingSink(MessageSink delegate) {
        this.delegate = delegate;
    }

    int accepted() {
        return accepted.get();
    }

    @Override
    public boolean offer(ChatMessage message) {
        boolean ok = delegate.offer(message);
        if (ok) {
            accepted.incrementAndGet();
        }
        return ok;
    }

    @Override
    public void whenReady(Runnable task) {
        delegate.whenReady(task);
    }

    @Override
    public void close() {
        delegate.close();
    }
}
