package org.dualchat.netty.limit;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelPipeline;
import io.netty.util.concurrent.Ticker;
import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;
import java.time.Duration;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.stats.TcpTrafficCounter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What keeps one server safe to expose, shared by all its channels: the access list, the connection
 * counts, the rate buckets, the idle timeout, and the once-a-second report and clean-up ({@link #tick}). The
 * initializers ask it for the handlers to put in each pipeline; it makes none that its config turns off.
 */
public final class Limits {

    private static final Logger logger = LoggerFactory.getLogger(Limits.class);

    /** Sources whose rate is tracked one by one; beyond this they share one bucket (see RateLimiter). */
    static final int MAX_RATE_SOURCES = 16_384;
    /** File descriptors the server needs besides its clients: sockets, jars, logs, epoll. */
    private static final int RESERVED_FDS = 64;

    private final ServerStats stats;
    private final AccessList access;
    private final AccessFilter accessFilter;
    private final ConnectionCounter connections;
    private final RateLimiter rates;
    private final Duration idleTimeout;
    private final int maxConnections;
    private final LimitsReport report;

    public Limits(LimitOptions config, ServerStats stats) {
        this.stats = stats;
        this.access = new AccessList(config.allow(), config.deny());
        this.accessFilter = new AccessFilter(access, stats);
        this.connections = new ConnectionCounter(
                config.maxConnections(), config.maxConnectionsPerIp(), config.limitLoopback());
        this.rates = config.rate() > 0 ? new RateLimiter(config.rate(), config.burst(), MAX_RATE_SOURCES) : null;
        this.idleTimeout = config.idleTimeout();
        this.maxConnections = config.maxConnections();
        this.report = new LimitsReport(stats.view());
    }

    /**
     * Says at start if the process may not open enough files for the connection limit, and if the kernel
     * cannot queue that many connections arriving at once.
     *
     * @param acceptQueue how many connections the kernel queues for the TCP port, all its listening sockets
     *     together (each one's queue capped at {@code somaxconn})
     */
    public void start(int acceptQueue) {
        checkFileLimit(maxConnections);
        String note = acceptQueueNote(maxConnections, acceptQueue);
        if (note != null) {
            logger.info(note);
        }
    }

    /** Adds {@code handler} as {@code name} unless its limit is off ({@code handler} is {@code null}). */
    public static void addIfOn(ChannelPipeline pipeline, String name, ChannelHandler handler) {
        if (handler != null) {
            pipeline.addLast(name, handler);
        }
    }

    /**
     * Adds the stages every TCP connection (chat or web) starts with, in this order: {@code counter} (the
     * connection and its bytes in the stats), {@code acl} (if there are rules), {@code refusal} (if given:
     * what turns the limiter's refusal line into the protocol's own), {@code limits} (the connection counts).
     * They come ahead of TLS: a refused connection costs no handshake.
     */
    public void addAdmission(ChannelPipeline pipeline, ChannelHandler refusal) {
        pipeline.addLast("counter", new TcpTrafficCounter(stats));
        addIfOn(pipeline, "acl", tcpAccessFilter());
        addIfOn(pipeline, "refusal", refusal);
        pipeline.addLast("limits", newConnectionLimiter());
    }

    /** Reports what is left; the server stops the ticks first. */
    public void stop() {
        report.report();
    }

    /** Reports what the limits refused and dropped, and forgets idle sources: once a second, on the server's timer. */
    public void tick() {
        report.report();
        if (rates != null) {
            rates.expire(Ticker.systemTicker().nanoTime());
        }
    }

    /** The TCP access filter, one for all connections; {@code null} when there are no rules. */
    public ChannelHandler tcpAccessFilter() {
        return access.restricts() ? accessFilter : null;
    }

    /** A connection limiter for a new TCP connection. */
    public ChannelHandler newConnectionLimiter() {
        return new ConnectionLimiter(connections, stats);
    }

    /** An idle closer for a new TCP connection; {@code null} when there is no idle timeout. */
    public ChannelHandler newIdleCloser() {
        return idleTimeout.isZero() ? null : new IdleCloser(idleTimeout);
    }

    /** A rate limiter for a new TCP connection; {@code null} when there is no rate limit. */
    public ChannelHandler newTcpRateLimiter() {
        return rates == null ? null : new TcpRateLimiter(rates);
    }

    /** The access filter for the UDP channel; {@code null} when there are no rules. */
    public ChannelHandler newDatagramAccessFilter() {
        return access.restricts() ? new DatagramAccessFilter(access, stats) : null;
    }

    /** The rate limiter for the UDP channel; {@code null} when there is no rate limit. */
    public ChannelHandler newDatagramRateLimiter() {
        return rates == null ? null : new DatagramRateLimiter(rates, stats);
    }

    /** Whether {@code channel} was refused by the connection limits, and only waits to be closed. */
    public static boolean isRefused(Channel channel) {
        return channel.hasAttr(ConnectionLimiter.REFUSED);
    }

    public ConnectionCounter connections() {
        return connections;
    }

    /** The sources with a rate bucket now; 0 when there is no rate limit. */
    int rateSources() {
        return rates == null ? 0 : rates.sources();
    }

    /** Each connection takes a file descriptor: say at start if the process may not open enough. */
    private static void checkFileLimit(int maxConnections) {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
            long max = ((com.sun.management.UnixOperatingSystemMXBean) os).getMaxFileDescriptorCount();
            if (max < (long) maxConnections + RESERVED_FDS) {
                logger.warn("The open-file limit ({}) is too low for {} connections: connections beyond it fail "
                        + "at accept; raise it (ulimit -n) or lower the connection limit", max, maxConnections);
            }
        }
    }

    /**
     * What to say when the kernel's accept queues, each as long as {@code somaxconn} allows, are shorter
     * together than the connection limit; {@code null} when they are not. With epoll the port is bound by
     * enough sockets for the limit, up to 16; this is for the NIO transport (one socket) and for limits
     * beyond 16 queues. Not a fault: it matters only when more clients than that arrive at once, such as a
     * crowd reconnecting after a restart (measured: 10,000 idle clients at once on a fresh server on 2 cores,
     * with one queue of 4,096 a few hundred of them connected at their SYN retry, a second late; with 16,384,
     * or three queues, all were greeted within 0.6 s).
     */
    static String acceptQueueNote(int maxConnections, int acceptQueue) {
        if (maxConnections <= acceptQueue) {
            return null;
        }
        return "The kernel queues at most " + acceptQueue + " connections for the server to accept "
                + "(net.core.somaxconn per listening socket), fewer than the " + maxConnections + " it may serve: "
                + "clients arriving at once beyond that connect at their SYN retry, a second later; raise the sysctl "
                + "for such crowds";
    }
}
