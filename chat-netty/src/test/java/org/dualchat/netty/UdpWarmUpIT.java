package org.dualchat.netty;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.channel.epoll.Epoll;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.MessageSink;
import org.dualchat.netty.common.Transport;
import org.dualchat.netty.common.TransportType;
import org.dualchat.netty.room.LocalRoom;
import org.dualchat.netty.room.Member;
import org.dualchat.netty.room.RelayOptions;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.testing.ControlledSink;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** The UDP warm-up pushes its made-up datagrams through the real handlers into the sink's twin, and only there. */
@Timeout(30)
class UdpWarmUpIT {

    @ParameterizedTest
    @EnumSource(value = TransportType.class, names = {"EPOLL", "NIO"})
    void pushesDatagramsThroughTheHandlersIntoTheTwinOnly(TransportType type) throws Exception {
        assumeTrue(type != TransportType.EPOLL || Epoll.isAvailable(), "no epoll here");
        Transport transport = Transport.of(type);
        ControlledSink twin = ControlledSink.unbounded();
        ControlledSink real = ControlledSink.unbounded();
        MessageSink withTwin = new MessageSink() {
            @Override
            public boolean offer(ChatMessage message) {
                return real.offer(message);
            }

            @Override
            public void whenReady(Runnable task) {
                real.whenReady(task);
            }

            @Override
            public void close() {
                real.close();
            }

            @Override
            public MessageSink discardingTwin() {
                return twin;
            }
        };
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        try {
            long started = System.nanoTime();
            long lines = UdpWarmUp.run(init -> UdpReceiveOptions.apply(new Bootstrap().group(group)
                    .channel(transport.datagramChannel()).option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .handler(init), transport), withTwin, 5_000);
            long tookMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);

            assertThat(lines).as("lines read").isPositive().isLessThanOrEqualTo(5_000);
            List<ChatMessage> taken = twin.messages();
            assertThat(taken).hasSize((int) lines);
            assertThat(taken.get(0).ip()).isEqualTo("127.0.0.1");
            assertThat(taken.get(0).text()).hasSize(63).startsWith("dualchat warm-up");
            assertThat(twin.closed).as("the twin is closed after the warm-up").isTrue();
            assertThat(real.messages()).as("nothing reaches the real sink").isEmpty();
            assertThat(real.closed).isFalse();
            // Bounded: sending stops after MAX_SENDING, reading after a little more.
            assertThat(tookMs).isLessThan(UdpWarmUp.MAX_SENDING.toMillis() + 2_000);
        } finally {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @org.junit.jupiter.api.Test
    void withARoomTheLinesGoThroughItsRelayPathToo() throws Exception {
        ControlledSink twin = ControlledSink.unbounded();
        MessageSink withTwin = new MessageSink() {
            @Override
            public boolean offer(ChatMessage message) {
                throw new AssertionError("nothing reaches the real sink");
            }

            @Override
            public void whenReady(Runnable task) {
                task.run();
            }

            @Override
            public void close() {
            }

            @Override
            public MessageSink discardingTwin() {
                return twin;
            }
        };
        LocalRoom room = new LocalRoom(new ServerStats(), RelayOptions.MIN_RELAY_BUDGET, null, 3);
        Transport transport = Transport.of(TransportType.AUTO);
        EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, transport.ioHandlerFactory());
        EmbeddedChannel joiner = new EmbeddedChannel();
        try {
            long lines = UdpWarmUp.run(init -> UdpReceiveOptions.apply(new Bootstrap().group(group)
                    .channel(transport.datagramChannel()).option(ChannelOption.SO_RCVBUF, 4 << 20)
                    .handler(init), transport), withTwin, 2_000, room);
            assertThat(lines).isPositive();
            // The room kept what nobody heard for its history: the relay path ran for each line.
            Member member = room.join(joiner);
            assertThat(member.takeHistory()).hasSizeGreaterThanOrEqualTo(3)
                    .anySatisfy(line -> assertThat(line).contains("dualchat warm-up"));
        } finally {
            joiner.finishAndReleaseAll();
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
        }
    }

    @org.junit.jupiter.api.Test
    void skipsWhenTurnedOffOrTheSinkHasNoTwin() {
        ControlledSink noTwin = ControlledSink.unbounded();
        assertThat(UdpWarmUp.run(init -> {
            throw new AssertionError("no channel when there is no twin");
        }, noTwin, 1000)).isZero();
        assertThat(UdpWarmUp.run(init -> {
            throw new AssertionError("no channel when turned off");
        }, noTwin, 0)).isZero();
        assertThat(noTwin.closed).isFalse();
    }
}
