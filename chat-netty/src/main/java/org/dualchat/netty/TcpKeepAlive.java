package org.dualchat.netty;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.epoll.EpollChannelOption;
import io.netty.channel.socket.nio.NioChannelOption;
import java.time.Duration;
import jdk.net.ExtendedSocketOptions;
import org.dualchat.netty.common.Transport;

/**
 * TCP keepalive with short probe times on every accepted socket: how the server finds a client that is
 * gone (its host crashed, its network dropped) without closing one that only reads the room.
 *
 * <p>The kernel's defaults (two hours of silence, then nine probes 75 s apart) would keep a dead peer's
 * slot for over two hours; here the first probe goes out after the configured silence, and a peer that
 * answers none of {@value ListenOptions#KEEP_ALIVE_PROBES} probes is closed. Epoll sets the three
 * Linux options through {@link EpollChannelOption}; NIO through the JDK's {@link ExtendedSocketOptions}.
 */
final class TcpKeepAlive {

    /** The longest wait between two probes. */
    static final int MAX_INTERVAL_SECONDS = 10;

    private TcpKeepAlive() {}

    static ServerBootstrap apply(ServerBootstrap bootstrap, Transport transport, Duration idle) {
        if (idle.isZero()) {
            return bootstrap.childOption(ChannelOption.SO_KEEPALIVE, false);
        }
        int idleSeconds = (int) idle.toSeconds();
        int interval = Math.min(idleSeconds, MAX_INTERVAL_SECONDS);
        int probes = ListenOptions.KEEP_ALIVE_PROBES;
        bootstrap.childOption(ChannelOption.SO_KEEPALIVE, true);
        if (transport.isEpoll()) {
            return bootstrap
                    .childOption(EpollChannelOption.TCP_KEEPIDLE, idleSeconds)
                    .childOption(EpollChannelOption.TCP_KEEPINTVL, interval)
                    .childOption(EpollChannelOption.TCP_KEEPCNT, probes);
        }
        return bootstrap
                .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPIDLE), idleSeconds)
                .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPINTERVAL), interval)
                .childOption(NioChannelOption.of(ExtendedSocketOptions.TCP_KEEPCOUNT), probes);
    }
}
