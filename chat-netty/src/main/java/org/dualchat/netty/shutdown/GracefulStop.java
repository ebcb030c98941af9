package org.dualchat.netty.shutdown;

import io.netty.channel.Channel;
import io.netty.util.concurrent.EventExecutor;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The read-out of a stopping server's inputs, once its listeners are closed: each TCP connection is read
 * until it has been quiet for {@link #QUIET} or has ended, then told {@code * server shutting down} and
 * closed; the UDP socket is read until quiet, so the datagrams waiting in its receive buffer are taken.
 * All of it within the grace, which starts with {@link #acceptQueued} if the stop calls it first; what still
 * sends when the grace runs out is closed then.
 *
 * <pre>{@code
 * GracefulStop stop = new GracefulStop(Duration.ofSeconds(5));
 * stop.drain(clients, udpChannel, channel -> false);  // blocks: never on an event loop
 * }</pre>
 *
 * <p>{@link #abort()}, from any thread, ends the grace at once (a second Ctrl-C).
 */
public final class GracefulStop {

    private static final Logger logger = LoggerFactory.getLogger(GracefulStop.class);

    /** How long an input must have had nothing to read to count as done. */
    public static final Duration QUIET = Duration.ofMillis(250);
    private static final String NAME = "drain";
    private static final long POLL_MILLIS = 5;
    private static final long ACCEPT_PAUSE_MILLIS = 5;
    private static final int MIN_ACCEPT_ROUNDS = 20;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

    private final Duration grace;
    private volatile boolean aborted;
    /** When the grace ends, from the stop's first step (accepting what is queued, or the read-out). */
    private long graceEnds;
    private boolean graceStarted;

    /** @param grace how long to keep reading at most; zero closes at once */
    public GracefulStop(Duration grace) {
        this.grace = grace;
    }

    /** Ends the grace now: a drain in progress, or the next, closes everything at once. Any thread. */
    public void abort() {
        aborted = true;
    }

    /**
     * Reads the inputs out and closes them; returns once all are closed. Call it on a thread of its own,
     * never an event loop.
     *
     * @param clients the TCP connections; those that {@code skip} matches are left alone
     * @param udp the UDP channel, or {@code null}
     */
    public void drain(Iterable<Channel> clients, Channel udp, Predicate<Channel> skip) throws InterruptedException {
        List<Channel> tcp = new ArrayList<>();
        for (Channel channel : clients) {
            if (channel.isOpen() && !skip.test(channel)) {
                tcp.add(channel);
            }
        }
        long started = System.nanoTime();
        long deadline = graceEnds();
        if (!grace.isZero() && !aborted) {
            long quiet = QUIET.toNanos();
            for (Channel channel : tcp) {
                channel.pipeline().addFirst(NAME, new QuietWatch(quiet, true));
            }
            if (udp != null && udp.isOpen()) {
                udp.pipeline().addFirst(NAME, new QuietWatch(quiet, false));
            }
            while (!aborted && System.nanoTime() - deadline < 0 && !(allClosed(tcp) && (udp == null || !udp.isOpen()))) {
                Thread.sleep(POLL_MILLIS);
            }
        }
        int left = 0;
        for (Channel channel : tcp) {
            if (channel.isActive()) {
                left++;
                QuietWatch watch = (QuietWatch) channel.pipeline().get(NAME);
                if (watch != null) {
                    channel.eventLoop().execute(() -> watch.closeNow(channel));
                } else {
                    QuietWatch.tellAndShutOutput(channel);
                    channel.close();
                }
            }
        }
        if (udp != null) {
            udp.close().awaitUninterruptibly(CLOSE_WAIT.toMillis());
        }
        if (left > 0 && !grace.isZero()) {
            logger.warn("{} TCP {} still sending after {}: closed", left, left == 1 ? "client was" : "clients were",
                    aborted ? "the stop was cut short" : "the grace of " + grace.toMillis() / 1000.0 + " s");
        }
        long giveUp = System.nanoTime() + CLOSE_WAIT.toNanos();
        for (Channel channel : tcp) {
            channel.closeFuture().awaitUninterruptibly(Math.max(0, giveUp - System.nanoTime()), TimeUnit.NANOSECONDS);
        }
        logger.debug("Inputs read out in {} ms", TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
    }

    /** The end of the grace, which starts with the stop's first step and covers both. */
    private synchronized long graceEnds() {
        if (!graceStarted) {
            graceStarted = true;
            graceEnds = System.nanoTime() + grace.toNanos();
        }
        return graceEnds;
    }

    /**
     * Lets each listener accept the connections the kernel has completed for it, before it is closed: closing
     * a listener resets what waits in its backlog, with whatever those clients wrote. Blocks for a few ms,
     * longer for a crowd queued at the stop.
     *
     * <p>Rounds go on while the last one accepted any: counted by the listeners as they accept, not by the
     * connections open, since a client that sent its lines and half-closed may be read out and closed within
     * the round that accepted it (a crowd of such clients, queued at the stop, lost all but the first few).
     * They end at the first round that accepts none; once as many have been accepted as the queues could hold
     * at the stop (what comes after that arrived after it); when the stop is cut short; and, past the first
     * {@value #MIN_ACCEPT_ROUNDS} rounds, when the grace runs out, which the read-out then shares. (A fixed 20
     * rounds took 390 of 6,000 such clients queued at a fresh server's stop.)
     *
     * @param listeners the listening channels, not yet closed
     * @param accepted how many connections the listeners have accepted so far
     * @param queued how many connections the listeners' queues hold at most, all together
     * @param loops every event loop, whose queues carry the new connections' registration
     */
    public void acceptQueued(List<Channel> listeners, LongSupplier accepted, long queued,
            Iterable<EventExecutor> loops) throws InterruptedException {
        long deadline = graceEnds();
        long atStop = accepted.getAsLong();
        for (int round = 0; !aborted && (round < MIN_ACCEPT_ROUNDS || System.nanoTime() - deadline < 0); round++) {
            long before = accepted.getAsLong();
            if (before - atStop >= queued) {
                return;
            }
            // The loops the open listeners are on, once each (a port may be bound by several sockets).
            Set<EventExecutor> accepting = new LinkedHashSet<>();
            for (Channel listener : listeners) {
                if (listener.isOpen()) {
                    accepting.add(listener.eventLoop());
                }
            }
            // A task that runs after a pause runs after the loop has polled its sockets again.
            if (!accepting.isEmpty()) {
                accepting.forEach(GracefulStop::runQueued);
                Thread.sleep(ACCEPT_PAUSE_MILLIS);
                accepting.forEach(GracefulStop::runQueued);
            }
            for (EventExecutor loop : loops) {
                runQueued(loop);
            }
            if (accepted.getAsLong() == before) {
                return;
            }
        }
    }

    private static void runQueued(EventExecutor loop) {
        loop.submit(() -> { }).awaitUninterruptibly(CLOSE_WAIT.toMillis());
    }

    private static boolean allClosed(List<Channel> channels) {
        for (Channel channel : channels) {
            if (channel.isOpen()) {
                return false;
            }
        }
        return true;
    }
}
