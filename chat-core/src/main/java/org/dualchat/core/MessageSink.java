package org.dualchat.core;

import java.util.List;

/**
 * Where every received message goes, whatever protocol it came over.
 *
 * <p>A sink never blocks its caller: callers are event loop threads. {@link #offer} takes a message
 * if there is room and says so; a caller that must not lose the message (TCP) keeps it, stops reading
 * from its peer, and asks {@link #whenReady} to be told when to try again. A caller that may drop
 * (UDP) counts the drop.
 *
 * <pre>{@code
 * if (!sink.offer(message)) {
 *     backlog.add(message);
 *     channel.config().setAutoRead(false);
 *     sink.whenReady(() -> channel.eventLoop().execute(this::retry));
 * }
 * }</pre>
 */
public interface MessageSink extends AutoCloseable {

    /**
     * Takes {@code message} if there is room for it.
     *
     * @return {@code true} if the message was accepted and will be delivered; {@code false} if the
     *     sink is full or closed, in which case the caller still owns the message
     */
    boolean offer(ChatMessage message);

    /**
     * Takes {@code messages} in order, as many from the first as there is room for: a caller with many
     * messages at once (one read's lines) hands them over with one call, which a sink may take as a whole.
     *
     * @return how many were taken, from the first; the caller still owns the rest
     */
    default int offerAll(List<ChatMessage> messages) {
        int taken = 0;
        for (ChatMessage message : messages) {
            if (!offer(message)) {
                break;
            }
            taken++;
        }
        return taken;
    }

    /**
     * Runs {@code task} once, on an arbitrary thread, when the sink has room again; at once if it has
     * room now. The task must be quick: hand it over to the caller's own executor. A closed sink never
     * runs it.
     */
    void whenReady(Runnable task);

    /**
     * Runs {@code task} once every message accepted so far has been delivered, on an arbitrary thread: for a
     * log line that must not overtake a message on a terminal (a client's leave after its last line). At
     * once by default, for sinks that deliver as they accept. The task must be quick.
     */
    default void afterPrinted(Runnable task) {
        task.run();
    }

    /**
     * A new sink of the same kind that delivers nothing: a server pushes a bounded number of made-up messages
     * through its own code into it before it listens, so that the JIT compiles that code before real traffic
     * comes. The caller closes it. {@code null} (the default) when a sink has no such twin.
     */
    default MessageSink discardingTwin() {
        return null;
    }

    /** Delivers every message already accepted, then releases the sink's resources. */
    @Override
    void close();
}
