package org.dualchat.netty.metrics;

import static java.util.Objects.requireNonNull;

import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import org.dualchat.netty.stats.ServerStats;
import org.dualchat.netty.stats.StatsView;

/**
 * The opt-in HTTP endpoint for operators: {@code GET /metrics} in the Prometheus text format (or OpenMetrics,
 * if the scraper asks for it), {@code GET /health}. It runs on the chat server's own event loop group: a
 * scrape reads a few dozen counters, far less work than a burst of datagrams.
 *
 * <p>The registry holds the {@link ServerStats} counts ({@link ServerMetrics}) and the JVM's: memory, GC,
 * threads, classes, CPU, uptime and open files.
 *
 * <pre>{@code
 * MetricsServer metrics = new MetricsServer(server.stats());
 * Channel listening = metrics.bootstrap(group, NioServerSocketChannel.class)
 *         .bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 9100)).sync().channel();
 * ...
 * listening.close();
 * metrics.close();
 * }</pre>
 */
public final class MetricsServer implements AutoCloseable {

    /** More concurrent connections than any set of scrapers needs; beyond it new ones are closed at once. */
    static final int MAX_CONNECTIONS = 64;

    private static final long CLOSE_TIMEOUT_MILLIS = 5_000;

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    private final JvmGcMetrics gcMetrics = new JvmGcMetrics();
    private final ChannelGroup connections =
            new DefaultChannelGroup("dualchat-metrics-clients", GlobalEventExecutor.INSTANCE);

    /** A registry with the server's counts and the JVM's metrics, not yet serving. */
    public MetricsServer(StatsView stats) {
        new ServerMetrics(requireNonNull(stats, "stats")).bindTo(registry);
        new JvmMemoryMetrics().bindTo(registry);
        gcMetrics.bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        new ResidentMemory().bindTo(registry);
    }

    /** A bootstrap for the HTTP listener on {@code group}; the caller binds it. */
    public ServerBootstrap bootstrap(EventLoopGroup group, Class<? extends ServerChannel> channelType) {
        return new ServerBootstrap()
                .group(group)
                .channel(channelType)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new MetricsChannelInitializer(registry, connections));
    }

    /** The registry, for tests and for anyone who wants to add meters. */
    public PrometheusMeterRegistry registry() {
        return registry;
    }

    /** Closes the open HTTP connections and releases the JVM listeners; the caller closes the listener. */
    @Override
    public void close() {
        connections.close().awaitUninterruptibly(CLOSE_TIMEOUT_MILLIS);
        gcMetrics.close();
        registry.close();
    }
}
