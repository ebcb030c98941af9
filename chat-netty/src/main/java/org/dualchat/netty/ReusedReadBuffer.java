package org.dualchat.netty;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.CompositeByteBuf;
import io.netty.buffer.Unpooled;

/**
 * The allocator of one UDP channel: its read buffer (the {@code recvmmsg} slots, {@value UdpReceiveOptions#SLOT}
 * bytes each) is one buffer allocated once and handed out again for every read, rather than a new one per read.
 *
 * <p>Netty's default allocator pools nothing that large: every read got a fresh buffer of direct memory (1 MB then),
 * which the JDK zeroes, and that zeroing was a third of the server's CPU at 100,000 datagrams a second
 * ({@code perf}: {@code Unsafe.setMemory} under {@code epollInReady}). The datagrams Netty reads are slices of
 * the buffer and hold a reference to it; the buffer is handed out again only when nothing but this allocator
 * holds it, so a handler that keeps a datagram past its read never sees its bytes overwritten: the next read
 * then gets a new buffer, which is kept in its place. Every other allocation goes to Netty's default
 * allocator. One per channel, used on its event loop only.
 *
 * <p>A busy socket gets a larger buffer. Each {@code recvmmsg} call has a fixed cost, so a call that fills
 * every slot of the buffer it was given says there is more waiting than one call takes: from the next read
 * on the buffer is the large one ({@code largeCapacity}), more slots a call. The large buffer is zeroed too,
 * so it is resident once used: {@link #shrinkIfQuiet} (called every few seconds) goes back to the small one
 * when no read since the last call filled more slots than the small buffer has, so that a server that had
 * one flood does not keep the memory for it.
 */
final class ReusedReadBuffer implements ByteBufAllocator {

    private final ByteBufAllocator other;
    private final int capacity;
    private final int largeCapacity;
    private ByteBuf buffer;
    private boolean large;
    private boolean busySinceCheck;
    private boolean closed;

    /** @param capacity the size of the reads this allocator serves from its one buffer, which never grows */
    ReusedReadBuffer(int capacity) {
        this(ByteBufAllocator.DEFAULT, capacity, capacity);
    }

    /**
     * @param capacity the size of the reads this allocator serves from its one buffer
     * @param largeCapacity the size it hands out instead while the socket is busy (at least {@code capacity})
     */
    ReusedReadBuffer(int capacity, int largeCapacity) {
        this(ByteBufAllocator.DEFAULT, capacity, largeCapacity);
    }

    ReusedReadBuffer(ByteBufAllocator other, int capacity, int largeCapacity) {
        if (largeCapacity < capacity) {
            throw new IllegalArgumentException("largeCapacity " + largeCapacity + " < capacity " + capacity);
        }
        this.other = other;
        this.capacity = capacity;
        this.largeCapacity = largeCapacity;
    }

    /**
     * Goes back to the small buffer if no read since the last call filled more than the small buffer holds.
     * Call on the channel's event loop.
     *
     * @return whether the buffer handed out from now on is the small one
     */
    boolean shrinkIfQuiet() {
        if (large && !busySinceCheck) {
            large = false;
            drop();
        }
        busySinceCheck = false;
        return !large;
    }

    /** Lets the buffer go once the last datagram read into it is released; later reads get new buffers. */
    void close() {
        closed = true;
        drop();
    }

    private void drop() {
        if (buffer != null) {
            buffer.release(); // if still held downstream: freed when the last holder releases it
            buffer = null;
        }
    }

    private ByteBuf readBuffer() {
        if (closed) {
            return other.directBuffer(capacity);
        }
        if (buffer != null && buffer.writerIndex() >= capacity) {
            // Netty moves the writer index past every slot the last call filled: this one filled as many slots
            // as the small buffer has, or more.
            busySinceCheck = true;
            if (!large && largeCapacity > capacity) {
                large = true;
                drop();
            }
        }
        if (buffer == null || buffer.refCnt() != 1) {
            drop();
            int size = large ? largeCapacity : capacity;
            // Not pooled and not leak-tracked: it lives as long as the channel, and is released at its close.
            buffer = Unpooled.directBuffer(size, size);
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
