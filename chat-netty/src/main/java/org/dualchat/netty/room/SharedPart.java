package org.dualchat.netty.room;

import io.netty.buffer.AbstractReferenceCountedByteBuf;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.util.Recycler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.ReadOnlyBufferException;
import java.nio.channels.FileChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ScatteringByteChannel;

/**
 * One receiver's read-only view of a whole {@link RelayBatch}: its own reader index over the batch's bytes,
 * and one reference to the batch, given back when the write is done. What a {@code retainedDuplicate()} of
 * the batch gave, without an object per receiver per batch: views are recycled, on the receiver's event
 * loop, where they are taken and released. With 100 receivers and a batch a message, the duplicates were
 * most of what the server allocated while it relayed.
 */
final class SharedPart extends AbstractReferenceCountedByteBuf {

    private static final Recycler<SharedPart> RECYCLER = new Recycler<>() {
        @Override
        protected SharedPart newObject(Handle<SharedPart> handle) {
            return new SharedPart(handle);
        }
    };

    private final Recycler.Handle<SharedPart> handle;
    /** Holds the reference (and the budget's charge) until released. */
    private ByteBuf owner;
    /** The bytes, read at the same indexes. */
    private ByteBuf bytes;

    private SharedPart(Recycler.Handle<SharedPart> handle) {
        super(0);
        this.handle = handle;
    }

    /**
     * A view of {@code bytes}'s readable bytes (at reader index 0) that holds one more reference to {@code owner},
     * released with the view.
     */
    static SharedPart of(ByteBuf owner, ByteBuf bytes) {
        SharedPart part = RECYCLER.get();
        part.owner = owner.retain();
        part.bytes = bytes;
        part.resetRefCnt();
        part.maxCapacity(bytes.writerIndex());
        part.setIndex(0, bytes.writerIndex());
        part.markReaderIndex().markWriterIndex();
        return part;
    }

    @Override
    protected void deallocate() {
        ByteBuf held = owner;
        owner = null;
        bytes = null;
        handle.recycle(this);
        held.release();
    }

    @Override
    protected byte _getByte(int index) {
        return bytes.getByte(index);
    }

    @Override
    protected short _getShort(int index) {
        return bytes.getShort(index);
    }

    @Override
    protected short _getShortLE(int index) {
        return bytes.getShortLE(index);
    }

    @Override
    protected int _getUnsignedMedium(int index) {
        return bytes.getUnsignedMedium(index);
    }

    @Override
    protected int _getUnsignedMediumLE(int index) {
        return bytes.getUnsignedMediumLE(index);
    }

    @Override
    protected int _getInt(int index) {
        return bytes.getInt(index);
    }

    @Override
    protected int _getIntLE(int index) {
        return bytes.getIntLE(index);
    }

    @Override
    protected long _getLong(int index) {
        return bytes.getLong(index);
    }

    @Override
    protected long _getLongLE(int index) {
        return bytes.getLongLE(index);
    }

    @Override
    protected void _setByte(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setShort(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setShortLE(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setMedium(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setMediumLE(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setInt(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setIntLE(int index, int value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setLong(int index, long value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    protected void _setLongLE(int index, long value) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public boolean isReadOnly() {
        return true;
    }

    @Override
    public int capacity() {
        return maxCapacity();
    }

    @Override
    public ByteBuf capacity(int newCapacity) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public ByteBufAllocator alloc() {
        return bytes.alloc();
    }

    @Override
    @Deprecated
    public ByteOrder order() {
        return ByteOrder.BIG_ENDIAN;
    }

    @Override
    public ByteBuf unwrap() {
        return bytes;
    }

    @Override
    public boolean isDirect() {
        return bytes.isDirect();
    }

    @Override
    public ByteBuf getBytes(int index, ByteBuf dst, int dstIndex, int length) {
        checkIndex(index, length);
        bytes.getBytes(index, dst, dstIndex, length);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, byte[] dst, int dstIndex, int length) {
        checkIndex(index, length);
        bytes.getBytes(index, dst, dstIndex, length);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, ByteBuffer dst) {
        checkIndex(index, dst.remaining());
        bytes.getBytes(index, dst);
        return this;
    }

    @Override
    public ByteBuf getBytes(int index, OutputStream out, int length) throws IOException {
        checkIndex(index, length);
        bytes.getBytes(index, out, length);
        return this;
    }

    @Override
    public int getBytes(int index, GatheringByteChannel out, int length) throws IOException {
        checkIndex(index, length);
        return bytes.getBytes(index, out, length);
    }

    @Override
    public int getBytes(int index, FileChannel out, long position, int length) throws IOException {
        checkIndex(index, length);
        return bytes.getBytes(index, out, position, length);
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuf src, int srcIndex, int length) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public ByteBuf setBytes(int index, byte[] src, int srcIndex, int length) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public ByteBuf setBytes(int index, ByteBuffer src) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public int setBytes(int index, InputStream in, int length) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public int setBytes(int index, ScatteringByteChannel in, int length) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public int setBytes(int index, FileChannel in, long position, int length) {
        throw new ReadOnlyBufferException();
    }

    @Override
    public ByteBuf copy(int index, int length) {
        checkIndex(index, length);
        return bytes.copy(index, length);
    }

    @Override
    public int nioBufferCount() {
        return bytes.nioBufferCount();
    }

    @Override
    public ByteBuffer nioBuffer(int index, int length) {
        checkIndex(index, length);
        return bytes.nioBuffer(index, length).asReadOnlyBuffer();
    }

    @Override
    public ByteBuffer internalNioBuffer(int index, int length) {
        return nioBuffer(index, length);
    }

    @Override
    public ByteBuffer[] nioBuffers(int index, int length) {
        checkIndex(index, length);
        ByteBuffer[] buffers = bytes.nioBuffers(index, length);
        for (int i = 0; i < buffers.length; i++) {
            buffers[i] = buffers[i].asReadOnlyBuffer();
        }
        return buffers;
    }

    @Override
    public boolean hasArray() {
        return false;
    }

    @Override
    public byte[] array() {
        throw new ReadOnlyBufferException();
    }

    @Override
    public int arrayOffset() {
        throw new ReadOnlyBufferException();
    }

    @Override
    public boolean hasMemoryAddress() {
        return bytes.hasMemoryAddress();
    }

    @Override
    public long memoryAddress() {
        return bytes.memoryAddress();
    }
}
