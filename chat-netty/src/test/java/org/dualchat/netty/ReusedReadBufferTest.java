package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import java.util.concurrent.TimeUnit;
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
    void aReadThatFilledTheBufferMakesTheNextOneLarge() {
        ReusedReadBuffer alloc = new ReusedReadBuffer(CAPACITY, 4 * CAPACITY);
        ByteBuf partly = alloc.ioBuffer(CAPACITY);
        partly.writerIndex(CAPACITY - 1); // what a call that left a slot empty leaves
        partly.release();
        ByteBuf filled = alloc.ioBuffer(CAPACITY);
        assertThat(filled).isSameAs(partly);
        filled.writerIndex(CAPACITY);
        filled.release();

        ByteBuf large = alloc.ioBuffer(CAPACITY);
        assertThat(large.capacity()).isEqualTo(4 * CAPACITY);
        assertThat(filled.refCnt()).as("the small one freed").isZero();
        large.release();
        assertThat(alloc.ioBuffer(CAPACITY)).as("kept while busy").isSameAs(large);
        large.release();
        alloc.close();
    }

    @Test
    void goesBackToTheSmallBufferWhenNoReadFilledItSinceTheLastCheck() {
        ReusedReadBuffer alloc = new ReusedReadBuffer(CAPACITY, 4 * CAPACITY);
        ByteBuf small = alloc.ioBuffer(CAPACITY);
        small.writerIndex(CAPACITY);
        small.release();
        ByteBuf large = alloc.ioBuffer(CAPACITY);
        large.writerIndex(2 * CAPACITY); // busy: more than the small buffer holds
        large.release();
        assertThat(alloc.ioBuffer(CAPACITY)).isSameAs(large);
        large.writerIndex(CAPACITY / 2); // quiet
        large.release();

        assertThat(alloc.shrinkIfQuiet()).as("a read filled the small buffer's worth since the start").isFalse();
        assertThat(alloc.ioBuffer(CAPACITY)).isSameAs(large);
        large.writerIndex(CAPACITY / 2);
        large.release();
        assertThat(alloc.shrinkIfQuiet()).as("none did since the last check").isTrue();
        assertThat(large.refCnt()).as("the large one freed").isZero();
        ByteBuf again = alloc.ioBuffer(CAPACITY);
        assertThat(again.capacity()).isEqualTo(CAPACITY);
        again.release();
        alloc.close();
        assertThat(again.refCnt()).isZero();
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
    void anEpollUdpChannelReleasesItsReadBufferWhenItCloses() throws Exception {
        assumeTrue(Epoll.isAvailable(), "no epoll here");
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        try {
            EpollDatagramChannel ch = new EpollDatagramChannel();
            group.register(ch).syncUninterruptibly();
            ByteBuf read = ch.eventLoop().submit(() -> {
                UdpReceiveOptions.reuseReadBuffer(ch);
                int size = UdpReceiveOptions.readBufferSize(ch);
                assertThat(size).isEqualTo(UdpReceiveOptions.SLOT * UdpReceiveOptions.DATAGRAMS_PER_CALL);
                ByteBuf first = ch.alloc().ioBuffer(size);
                first.release();
                ByteBuf second = ch.alloc().ioBuffer(size);
                second.release();
                assertThat(second).isSameAs(first);
                return first;
            }).get();
            assertThat(read.refCnt()).as("held by the channel while it is open").isEqualTo(1);
            ch.close().syncUninterruptibly();
            ch.eventLoop().submit(() -> { }).get();
            assertThat(read.refCnt()).isZero();
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @Test
    void aNioChannelKeepsTheDefaultAllocator() {
        EmbeddedChannel ch = new EmbeddedChannel();
        ByteBufAllocator before = ch.alloc();
        UdpReceiveOptions.reuseReadBuffer(ch);
        assertThat(ch.alloc()).isSameAs(before);
        ch.finishAndReleaseAll();
    }
}
