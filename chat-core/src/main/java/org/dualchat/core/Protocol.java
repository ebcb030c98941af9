package org.dualchat.core;

/** Where a message came from: a network transport, or the server's own console. */
public enum Protocol {
    UDP,
    TCP,
    /** A line typed on the server's standard input. */
    CONSOLE
}
