package org.dualchat.netty.tls;

/**
 * The user event that a client on a port which also takes TLS has been found to speak plain text: its
 * session starts now (greeting, room), as a TLS client's starts when its handshake is done.
 */
public final class PlainStart {

    public static final PlainStart INSTANCE = new PlainStart();

    private PlainStart() {}

    @Override
    public String toString() {
        return "PlainStart";
    }
}
