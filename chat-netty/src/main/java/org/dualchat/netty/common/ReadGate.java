package org.dualchat.netty.common;

import io.netty.channel.Channel;
import io.netty.util.Attribute;
import io.netty.util.AttributeKey;
import java.util.EnumSet;

/**
 * Pauses reading from one channel for any of several independent reasons, and resumes only once none
 * is left: a rate limit that runs out must not resume a client that the full sink is holding back, and
 * the other way round. One per channel, used on the channel's event loop only.
 */
public final class ReadGate {

    /** Why reading from a channel is paused. */
    public enum Reason {
        /** The sink cannot take more messages yet, or the room's relay budget is spent. */
        SINK_FULL,
        /** The source is sending faster than its rate limit. */
        RATE_LIMIT
    }

    private static final AttributeKey<ReadGate> KEY = AttributeKey.valueOf(ReadGate.class, "readGate");

    private final Channel channel;
    private final EnumSet<Reason> reasons = EnumSet.noneOf(Reason.class);
    private long resumedAt = Long.MIN_VALUE;

    private ReadGate(Channel channel) {
        this.channel = channel;
    }

    /** The gate of {@code channel}, made on first use. */
    public static ReadGate of(Channel channel) {
        Attribute<ReadGate> attribute = channel.attr(KEY);
        ReadGate gate = attribute.get();
        if (gate == null) {
            gate = new ReadGate(channel);
            attribute.set(gate);
        }
        return gate;
    }

    public void pause(Reason reason) {
        reasons.add(reason);
        channel.config().setAutoRead(false);
    }

    /** Drops {@code reason}; reading resumes if no other reason is left and the channel is still open. */
    public void resume(Reason reason) {
        reasons.remove(reason);
        if (reasons.isEmpty() && channel.isActive()) {
            resumedAt = channel.eventLoop().ticker().nanoTime();
            channel.config().setAutoRead(true);
        }
    }

    /**
     * When reading from {@code channel} last resumed after a pause (its event loop's ticker), or {@link
     * Long#MIN_VALUE} if it never paused: a sender is not quiet while nobody reads it, so a wait for its silence
     * starts again from here ({@code LineFramer}).
     */
    public static long resumedAt(Channel channel) {
        ReadGate gate = channel.hasAttr(KEY) ? channel.attr(KEY).get() : null;
        return gate == null ? Long.MIN_VALUE : gate.resumedAt;
    }

    boolean isPaused(Reason reason) {
        return reasons.contains(reason);
    }
}
