package org.dualchat.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The allocator of one UDP channel: its read buffer (the {@code recvmmsg} slots, {@value UdpReceiveOptions#SLOT}
 * bytes each) is one buffer allocated once and handed out again for every read, rather than a new one per read.
 *
 * <p>Netty's default allocator pools nothing that large: every read got a fresh megabyte of direct memory,
 * which the JDK zeroes, and that zeroing was a third of the server's CPU at 100,000 datagrams a second
 * ({@code perf}: {@code Unsafe.setMemory} under {@code epollInReady}). The datagrams Netty reads are slices of
 * the buffer and hold a reference to it; the buffer is handed out again only when nothing but this allocator
 * holds it, so a handler that keeps a datagram past its read never sees its bytes overwritten: the next read
 * then gets a new buffer, which is kept in its place. Every other allocation goes to Netty's default
 * allocator. One per channel, used on its event loop only.
 */
final class ReusedReadBuffer implements ByteBufAllocator {

    private final ByteBufAllocator other;
    private final int capacity;
    private ByteBuf buffer;
    private boolean closed;

    /** @param capacity the size of the reads this allocator serves from its one buffer */
    ReusedReadBuffer(int capacity) {
        this(ByteBufAllocator.DEFAULT, capacity);
    }

    ReusedReadBuffer(ByteBufAllocator other, int capacity) {
        this.other = other;
        this.capacity = capacity;
    }

    /** Lets the buffer go once the last datagram read into it is released; later reads get new buffers. */
    void close() {
        closed = true;
        if (buffer != null) {
            buffer.release();
            buffer = null;
        }
    }

    private ByteBuf readBuffer() {
        if (closed) {
            return other.directBuffer(capacity);
        }
        if (buffer == null || buffer.refCnt() != 1) {
            if (buffer != null) {
                buffer.release(); // still held downstream: freed when the last holder releases it
            }
            // Not pooled and not leak-tracked: it lives as long as the channel, and is released at its close.
            buffer = Unpooled.directBuffer(capacity, capacity);
        }
        return buffer.retain().clear();
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity) {
        return initialCapacity == capacity ? readBuffer() : other.ioBuffer(initialCapacity);
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity) {
        return initialCapacity == capacity ? readBuffer() : other.directBuffer(initialCapacity);
    }

    @Override
    public ByteBuf buffer() {
        return other.buffer();
    }

    @Override
    public ByteBuf buffer(int initialCapacity) {
        return other.buffer(initialCapacity);
    }

    @Override
    public ByteBuf buffer(int initialCapacity, int maxCapacity) {
        return other.buffer(initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf ioBuffer() {
        return other.ioBuffer();
    }

    @Override
    public ByteBuf ioBuffer(int initialCapacity, int maxCapacity) {
        return other.ioBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf heapBuffer() {
        return other.heapBuffer();
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity) {
        return other.heapBuffer(initialCapacity);
    }

    @Override
    public ByteBuf heapBuffer(int initialCapacity, int maxCapacity) {
        return other.heapBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public ByteBuf directBuffer() {
        return other.directBuffer();
    }

    @Override
    public ByteBuf directBuffer(int initialCapacity, int maxCapacity) {
        return other.directBuffer(initialCapacity, maxCapacity);
    }

    @Override
    public CompositeByteBuf compositeBuffer() {
        return other.compositeBuffer();
    }

    @Override
    public CompositeByteBuf compositeBuffer(int maxNumComponents) {
        return other.compositeBuffer(maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer() {
        return other.compositeHeapBuffer();
    }

    @Override
    public CompositeByteBuf compositeHeapBuffer(int maxNumComponents) {
        return other.compositeHeapBuffer(maxNumComponents);
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer() {
        return other.compositeDirectBuffer();
    }

    @Override
    public CompositeByteBuf compositeDirectBuffer(int maxNumComponents) {
        return other.compositeDirectBuffer(maxNumComponents);
    }

    @Override
    public boolean isDirectBufferPooled() {
        return other.isDirectBufferPooled();
    }

    @Override
    public int calculateNewCapacity(int minNewCapacity, int maxCapacity) {
        return other.calculateNewCapacity(minNewCapacity, maxCapacity);
    }
}
