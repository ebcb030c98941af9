package org.dualchat.netty.client;

import io.netty.channel.EventLoopGroup;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.dualchat.netty.common.Transport;
import org.dualchat.netty.common.TransportType;

/** The one-thread event loop group each client runs on: a client has one channel, so one thread is plenty. */
final class ClientLoop {

    /** NIO: a client's one channel gains nothing from epoll, and NIO runs everywhere. */
    static final Transport TRANSPORT = Transport.of(TransportType.NIO);

    private ClientLoop() {}

    static EventLoopGroup newGroup(String name) {
        // Daemon threads: a client that is never closed must not keep the JVM alive.
        return TRANSPORT.newGroup(1, new DefaultThreadFactory(name, true));
    }

    static void shutdown(EventLoopGroup group) {
        Transport.shutdown(group);
    }
}
