package org.dualchat.loadgen;

import org.HdrHistogram.Histogram;

/**
 * Latency percentiles of a run, in microseconds, taken from an HdrHistogram.
 *
 * @param count the number of samples
 */
public record LatencySummary(long count, double mean, long p50, long p90, long p99, long p999, long max) {

    static LatencySummary of(Histogram histogram) {
        return new LatencySummary(histogram.getTotalCount(), histogram.getMean(),
                histogram.getValueAtPercentile(50), histogram.getValueAtPercentile(90),
                histogram.getValueAtPercentile(99), histogram.getValueAtPercentile(99.9),
                histogram.getMaxValue());
    }
}
