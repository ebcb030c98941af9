package org.dualchat.netty.common;

import io.netty.channel.ChannelHandlerContext;

/**
 * A handler whose protocol ends a connection's output its own way when the server stops, instead of a bare
 * end of stream: a WebSocket sends a close frame ("going away"). A stopping server asks the first such
 * handler in a pipeline to end the output, and shuts the socket's output itself only when there is none.
 */
public interface OutputEnding {

    /** Ends what this connection sends, on the channel's event loop; the connection stays open for reading. */
    void endOutput(ChannelHandlerContext ctx);
}
