package org.dualchat.loadgen;

/**
 * What the warm-up before a measured run saw: sent through the same clients at the run's rate, timed apart,
 * and left out of the run's figures.
 *
 * @param sent messages sent during the warm-up
 * @param sendNanos how long it sent for
 * @param received warm-up messages the receivers read (each counted once per receiver)
 * @param latency the warm-up's latency percentiles
 */
public record WarmUpResult(long sent, long sendNanos, long received, LatencySummary latency) {
}
