package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class ReusedReadBufferTest {

    private static final int CAPACITY = 4096;

    @Test
    void handsOutTheSameBufferForEveryReadOnceReleased() {
        ReusedReadBuffer alloc = new ReusedReadBuffer(CAPACITY);
        ByteBuf first = alloc.ioBuffer(CAPACITY);
        first.writeCharSequence("first read", StandardCharsets.US_ASCII);
        first.release();
        ByteBuf second = alloc.directBuffer(CAPACITY);
        assertThat(second).isSameAs(first);
        assertThat(second.isDirect()).isTrue();
        assertThat(second.readableBytes()).as("cleared for the next read").isZero();
        assertThat(second.writableBytes()).isEqualTo(CAPACITY);
        second.release();
        alloc.close();
        assertThat(first.refCnt()).isZero();
    }

    @Test
    void aDatagramStillHeldKeepsItsBytes() {
        ReusedReadBuffer alloc = new ReusedReadBuffer(CAPACITY);
        ByteBuf read = alloc.ioBuffer(CAPACITY);
        read.writeCharSequence("kept by a handler", StandardCharsets.US_ASCII);
        ByteBuf datagram = read.retainedSlice(0, read.readableBytes());
        read.release();

        ByteBuf next = alloc.ioBuffer(CAPACITY);
        assertThat(next).isNotSameAs(read);
        next.writeCharSequence("overwrites nothing", StandardCharsets.US_ASCII);
        assertThat(datagram.toString(StandardCharsets.US_ASCII)).isEqualTo("kept by a handler");
        next.release();

        datagram.release();
        assertThat(read.refCnt()).as("the old buffer, given up, is freed by its last holder").isZero();
        alloc.close();
        assertThat(next.refCnt()).isZero();
    }

    @Test
    void otherSizesAndAfterCloseComeFromTheDefaultAllocator() {
        ReusedReadBuffer alloc = new ReusedReadBuffer(CAPACITY);
        ByteBuf small = alloc.ioBuffer(100);
        ByteBuf reused = alloc.ioBuffer(CAPACITY);
        reused.release();
        assertThat(small).isNotSameAs(reused);
        small.release();
        alloc.close();
        ByteBuf afterClose = alloc.ioBuffer(CAPACITY);
        assertThat(afterClose).isNotSameAs(reused);
        assertThat(reused.refCnt()).isZero();
        afterClose.release();
    }

    @Test
    void theUdpChannelReleasesItsReadBufferWhenItCloses() {
        EmbeddedChannel ch = new EmbeddedChannel();
        UdpReceiveOptions.reuseReadBuffer(ch);
        int size = UdpReceiveOptions.readBufferSize(ch);
        ByteBuf read = ch.alloc().ioBuffer(size);
        read.release();
        assertThat(ch.alloc().ioBuffer(size)).isSameAs(read);
        read.release();
        ch.close().syncUninterruptibly();
        ch.runPendingTasks();
        assertThat(read.refCnt()).isZero();
        ByteBuf later = ch.alloc().ioBuffer(size);
        assertThat(later).as("a read after the close gets a buffer of its own").isNotSameAs(read);
        later.release();
    }
}
