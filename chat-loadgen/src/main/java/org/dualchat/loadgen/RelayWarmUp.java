package org.dualchat.loadgen;

import io.netty.channel.Channel;
import io.netty.channel.EventLoop;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * The warm-up before a measured {@code bench relay} run: the same senders and receivers, at the run's rate,
 * for a while, so that the figures are those of warm programs (the server's and the load generator's code
 * compiled, their heaps sized) rather than of their first seconds. What it sees is timed apart and reported
 * on its own, never mixed into the run's figures.
 */
final class RelayWarmUp {

    private RelayWarmUp() {}

    /**
     * Sends for {@code warmUp} (or until each sender's share of the run's count is sent, at full speed),
     * then waits until the receivers have read it all, or have been quiet for {@code quiet}, for at most
     * {@code maxWait}. Every receiver counts what it reads as warm-up until the caller says otherwise
     * ({@link RelayReceiver#measureFrom}).
     */
    static WarmUpResult run(LoadSpec spec, Duration warmUp, int perWrite, List<Channel> senderChannels,
            List<RelayReceiver> readers, Map<EventLoop, Histogram> histograms, long origin, Duration quiet,
            Duration maxWait) throws IOException, InterruptedException {
        for (RelayReceiver reader : readers) {
            reader.measureFrom(Long.MAX_VALUE);
        }
        ReceivedCounter warmUpRead = new ReceivedCounter() {
            @Override
            public long count() {
                long sum = 0;
                for (RelayReceiver reader : readers) {
                    sum += reader.warmUpReceived();
                }
                return sum;
            }

            @Override
            public String description() {
                return "warm-up lines read by the receiving clients";
            }
        };
        List<StampedSender> senders = new ArrayList<>();
        for (int i = 0; i < senderChannels.size(); i++) {
            long quota = spec.rate() == 0 ? spec.quota(i)
                    : Math.max(1, (long) Math.ceil(spec.perSenderPerNano() * warmUp.toNanos()));
            StampedSender sender = new StampedSender(quota, spec.perSenderPerNano(), perWrite, i, spec.size(),
                    origin, false);
            senderChannels.get(i).pipeline().addLast("warm-up", sender);
            senders.add(sender);
        }
        try (ReceiptWatch watch = new ReceiptWatch(warmUpRead)) {
            long start = System.nanoTime();
            long deadline = start + warmUp.toNanos();
            for (int i = 0; i < senders.size(); i++) {
                senders.get(i).start(senderChannels.get(i), start, deadline);
            }
            long sent = Await.allSent(senders, deadline);
            long end = System.nanoTime();
            long received = watch.await(sent * readers.size(), end, quiet, maxWait);
            for (int i = 0; i < senders.size(); i++) {
                Channel channel = senderChannels.get(i);
                if (channel.pipeline().context(senders.get(i)) != null) {
                    channel.pipeline().remove(senders.get(i));
                }
            }
            return new WarmUpResult(sent, end - start, received, LatencySummary.of(RelayLoad.merge(histograms)));
        }
    }
}
