package org.dualchat.netty.client;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.util.concurrent.DefaultThreadFactory;
import java.util.concurrent.TimeUnit;

/** The one-thread event loop group each client runs on: a client has one channel, so one thread is plenty. */
final class ClientLoop {

    private ClientLoop() {}

    static EventLoopGroup newGroup(String name) {
        // Daemon threads: a client that is never closed must not keep the JVM alive.
        return new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory(name, true), NioIoHandler.newFactory());
    }

    static void shutdown(EventLoopGroup group) {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}
