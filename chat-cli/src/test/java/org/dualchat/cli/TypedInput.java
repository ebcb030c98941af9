package org.dualchat.cli;

import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.LinkedBlockingQueue;

/** A test stdin that blocks like a terminal: lines arrive when the test types them, the end when it says so. */
public final class TypedInput extends InputStream {

    private static final byte[] END = new byte[0];

    private final LinkedBlockingQueue<byte[]> chunks = new LinkedBlockingQueue<>();
    private byte[] current = new byte[0];
    private int position;
    private boolean ended;

    public void type(String line) {
        chunks.add((line + "\n").getBytes(StandardCharsets.UTF_8));
    }

    public void end() {
        chunks.add(END);
    }

    @Override
    public int read() throws java.io.InterruptedIOException {
        byte[] one = new byte[1];
        int n = read(one, 0, 1);
        return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public synchronized int read(byte[] b, int off, int len) throws java.io.InterruptedIOException {
        if (len == 0) {
            return 0;
        }
        while (!ended && position == current.length) {
            try {
                current = chunks.take();
            } catch (InterruptedException e) {
                throw new java.io.InterruptedIOException();
            }
            position = 0;
            if (current == END) {
                ended = true;
            }
        }
        if (ended) {
            return -1;
        }
        int n = Math.min(len, current.length - position);
        System.arraycopy(current, position, b, off, n);
        position += n;
        return n;
    }

    @Override
    public synchronized int available() {
        return current.length - position;
    }
}
