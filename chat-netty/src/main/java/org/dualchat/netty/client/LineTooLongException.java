package org.dualchat.netty.client;

import java.io.IOException;

/** Thrown for a line that does not fit in what it is to be sent in; nothing of it was sent. */
public final class LineTooLongException extends IOException {

    private static final long serialVersionUID = 1L;

    private final long length;
    private final long limit;

    /**
     * @param length the line's length in UTF-8 bytes
     * @param limit the most that fits
     * @param what what it was meant to fit in, for the message ("one datagram")
     */
    public LineTooLongException(long length, long limit, String what) {
        super(length + " bytes, more than " + what + " holds (" + limit + ")");
        this.length = length;
        this.limit = limit;
    }

    /** The line's length in UTF-8 bytes. */
    public long length() {
        return length;
    }

    /** The most bytes that fit. */
    public long limit() {
        return limit;
    }
}
