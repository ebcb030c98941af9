package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static java.nio.charset.StandardCharsets.US_ASCII;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.socket.DatagramChannel;
import io.netty.channel.socket.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.dualchat.netty.common.Transport;
import org.dualchat.netty.common.TransportType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * How many datagrams the server's UDP channel takes per read on epoll, with more waiting than one call
 * returns: the first read takes 16, all from one buffer, that is from one {@code recvmmsg} call (the reused
 * buffer is handed out again only once nothing holds it, and this test holds every datagram). Having filled
 * every slot, the channel reads 64 a call from then on.
 */
@Timeout(30)
class UdpReadBatchTest {

    @Test
    void aReadThatFillsTheBufferMakesTheNextOneFourTimesAsLarge() throws Exception {
        assumeTrue(Epoll.isAvailable(), "no epoll here");
        Transport transport = Transport.of(TransportType.EPOLL);
        EventLoopGroup group = transport.newGroup(1, Thread::new);
        List<DatagramPacket> held = new ArrayList<>();
        BlockingQueue<Integer> readsEndedAt = new LinkedBlockingQueue<>();
        try {
            Bootstrap bootstrap = UdpReceiveOptions.apply(new Bootstrap()
                    .group(group)
                    .channel(transport.datagramChannel())
                    .option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .option(ChannelOption.AUTO_READ, false)
                    .handler(new ChannelInitializer<DatagramChannel>() {
                        @Override
                        protected void initChannel(DatagramChannel ch) {
                            UdpReceiveOptions.reuseReadBuffer(ch);
                            ch.pipeline().addLast(new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                    held.add((DatagramPacket) msg);
                                }

                                @Override
                                public void channelReadComplete(ChannelHandlerContext ctx) {
                                    readsEndedAt.add(held.size());
                                }
                            });
                        }
                    }), transport);
            Channel udp = bootstrap.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)).sync().channel();
            int waiting = 16 + 64 + 20;
            try (DatagramSocket sender = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
                for (int i = 0; i < waiting; i++) {
                    byte[] text = ("datagram " + i).getBytes(US_ASCII);
                    sender.send(new java.net.DatagramPacket(text, text.length, udp.localAddress()));
                }
            }
            udp.read();
            int first = readsEndedAt.poll(10, TimeUnit.SECONDS);
            udp.read();
            int second = readsEndedAt.poll(10, TimeUnit.SECONDS);

            assertThat(first).as("datagrams the first read takes").isEqualTo(UdpReceiveOptions.DATAGRAMS_PER_CALL)
                    .isEqualTo(16);
            assertThat(second - first).as("datagrams the second read takes")
                    .isEqualTo(UdpReceiveOptions.DATAGRAMS_PER_BUSY_CALL).isEqualTo(64);
            udp.eventLoop().submit(() -> {
                assertThat(buffersOf(held.subList(0, first))).as("one call's buffer").hasSize(1)
                        .allSatisfy(b -> assertThat(b.capacity()).isEqualTo(16 * UdpReceiveOptions.SLOT));
                assertThat(buffersOf(held.subList(first, second))).as("one call's buffer").hasSize(1)
                        .allSatisfy(b -> assertThat(b.capacity()).isEqualTo(64 * UdpReceiveOptions.SLOT));
                for (int i = 0; i < held.size(); i++) {
                    assertThat(held.get(i).content().toString(US_ASCII)).isEqualTo("datagram " + i);
                }
                held.forEach(DatagramPacket::release);
            }).get();
            udp.close().sync();
        } finally {
            Transport.shutdown(group);
        }
    }

    private static Set<ByteBuf> buffersOf(List<DatagramPacket> packets) {
        Set<ByteBuf> buffers = Collections.newSetFromMap(new IdentityHashMap<>());
        for (DatagramPacket packet : packets) {
            // Down to the buffer the call read into: the leak detector may wrap a slice once more, on its own sample.
            ByteBuf buffer = packet.content();
            while (buffer.unwrap() != null) {
                buffer = buffer.unwrap();
            }
            buffers.add(buffer);
        }
        return buffers;
    }
}
