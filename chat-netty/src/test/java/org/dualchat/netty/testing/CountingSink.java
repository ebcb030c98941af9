package org.dualchat.netty.testing;

import java.util.concurrent.atomic.AtomicInteger;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;

/** Passes everything on to a real sink and counts what it accepted: what the server has received. */
public final class CountingSink implements MessageSink {

    private final MessageSink delegate;
    private final AtomicInteger accepted = new AtomicInteger();

    public CountingSink(MessageSink delegate) {
        this.delegate = delegate;
    }

    public int accepted() {
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
