package org.dualchat.netty.common;

/** Which Netty transport the server runs on. */
public enum TransportType {
    /** Native epoll where the platform has it, NIO elsewhere. */
    AUTO,
    /** Linux native epoll; starting fails where it is not available. */
    EPOLL,
    /** Java NIO, available everywhere. */
    NIO
}
