package org.dualchat.netty.web;

import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.core.Protocol;

/**
 * The server's sink as a WebSocket member's message handler sees it: the handler is the TCP one, so
 * its messages say TCP, and this labels them {@link Protocol#WS} on the way in. It never closes the
 * sink it wraps: the server does.
 */
final class WebSocketSink implements MessageSink {

    private final MessageSink sink;

    WebSocketSink(MessageSink sink) {
        this.sink = sink;
    }

    @Override
    public boolean offer(ChatMessage m) {
        return sink.offer(m.protocol() != Protocol.TCP ? m
                : new ChatMessage(Protocol.WS, m.ip(), m.port(), m.nick(), m.text(), m.receivedAt(), m.action()));
    }

    @Override
    public void whenReady(Runnable task) {
        sink.whenReady(task);
    }

    @Override
    public void close() {
        // The server's to close, not one connection's.
    }
}
