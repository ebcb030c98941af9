package org.dualchat.core;

/** Where a message came from: a network transport, or the server's own console. */
public enum Protocol {
    UDP,
    TCP,
    /** A WebSocket client: a browser on the chat page, or any other WebSocket client. */
    WS,
    /** A line typed on the server's standard input. */
    CONSOLE
}
