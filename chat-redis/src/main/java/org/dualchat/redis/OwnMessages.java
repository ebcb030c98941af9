package org.dualchat.redis;

import java.net.InetSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Predicate;
import org.dualchat.core.ChatMessage;
import org.dualchat.netty.room.Member;

/**
 * This node's messages sent to the stream and not read back yet, by the number each got as it was sent.
 * Most come back through the stream and are relayed from there. One that will not (Redis refused it, could
 * not be reached, or was never asked) is relayed here instead, and in its place: after every message numbered
 * before it that is still on its way, so that one sender's lines keep their order at this node's clients while
 * Redis goes away. A message Redis took but this node has not read back yet does not hold the others up then:
 * it is relayed here at once, and not again when it is read back.
 */
final class OwnMessages {

    private final Relay direct;
    private final Predicate<Member> present;
    private final AtomicLong sequence = new AtomicLong();
    private final ConcurrentSkipListMap<Long, Pending> pending = new ConcurrentSkipListMap<>();
    private final Object lock = new Object();
    /** How many pending messages are to be relayed here, not through the stream. Written under {@link #lock}. */
    private volatile int here;
    /** The reader's run of relays while it hands on a batch, or null. Guarded by {@link #lock}. */
    private Relay run;

    private static final class Pending {
        final ChatMessage message;
        final Member sender;
        final InetSocketAddress udpSender;
        volatile String id;
        boolean relayHere;

        Pending(ChatMessage message, Member sender, InetSocketAddress udpSender) {
            this.message = message;
            this.sender = sender;
            this.udpSender = udpSender;
        }
    }

    /** Where a message goes to this node's clients: the local room, or the reader's run of relays. */
    @FunctionalInterface
    interface Relay {
        void relay(ChatMessage message, Member sender, InetSocketAddress udpSender);
    }

    /**
     * @param direct relays to this node's clients at once (the local room)
     * @param present whether a sender is still a member (a gone one is not left out of anything)
     */
    OwnMessages(Relay direct, Predicate<Member> present) {
        this.direct = direct;
        this.present = present;
    }

    /** How many are on their way. */
    int size() {
        return pending.size();
    }

    /** Numbers a message about to be sent to the stream. */
    long add(ChatMessage message, Member sender, InetSocketAddress udpSender) {
        long number = sequence.incrementAndGet();
        pending.put(number, new Pending(message, sender, udpSender));
        return number;
    }

    /** Redis added message {@code number} as {@code id}: it will be read back, unless others wait behind it. */
    void added(long number, String id) {
        Pending own = pending.get(number);
        if (own == null) {
            return;
        }
        own.id = id;
        if (here == 0) {
            return;
        }
        synchronized (lock) {
            if (here > 0 && run == null) {
                release(null);
            }
        }
    }

    /** Message {@code number} will not come back through the stream: relayed here, in its place. */
    void relayHere(long number) {
        synchronized (lock) {
            Pending own = pending.get(number);
            if (own == null || own.relayHere) {
                return;
            }
            own.relayHere = true;
            here++;
            // While the reader hands on a batch, it relays this after that batch's own messages (endRun).
            if (run == null) {
                release(null);
            }
        }
    }

    /** The reader starts handing on a batch in {@code batchRun}. */
    void beginRun(Relay batchRun) {
        synchronized (lock) {
            run = batchRun;
        }
    }

    /**
     * Message {@code number} came back through the stream: relayed in the reader's run, after any of this
     * node's earlier messages that are to be relayed here.
     */
    void readBack(long number) {
        synchronized (lock) {
            if (!pending.containsKey(number)) {
                return;
            }
            if (here > 0) {
                for (Map.Entry<Long, Pending> earlier : pending.headMap(number).entrySet()) {
                    if (earlier.getValue().relayHere) {
                        send(earlier.getKey(), earlier.getValue(), run);
                    }
                }
            }
            Pending own = pending.remove(number);
            if (own != null) {
                relay(own, run);
            }
        }
    }

    /**
     * The reader read up to {@code lastRead}: this node's messages Redis added before it and that were not read
     * back were trimmed from the stream before this node got to them, and are forgotten. Then what waits to be
     * relayed here goes into the run, which ends.
     */
    void endRun(String lastRead) {
        synchronized (lock) {
            // Under the lock: relayHere is set under it, and one marked to be relayed here is not forgotten.
            pending.values().removeIf(own -> own.id != null && !own.relayHere
                    && StreamReader.compare(own.id, lastRead) <= 0);
            if (here > 0) {
                release(run);
            }
            run = null;
        }
    }

    /**
     * Relays here, from the first, the messages to be relayed here and the ones Redis took but this node has not
     * read back, until one still waits for Redis's answer. Under {@link #lock}.
     */
    private void release(Relay into) {
        Map.Entry<Long, Pending> first;
        while (here > 0 && (first = pending.firstEntry()) != null
                && (first.getValue().relayHere || first.getValue().id != null)) {
            send(first.getKey(), first.getValue(), into);
        }
    }

    private void send(long number, Pending own, Relay into) {
        if (pending.remove(number) == null) {
            return;
        }
        if (own.relayHere) {
            here--;
        }
        relay(own, into);
    }

    private void relay(Pending own, Relay into) {
        Member sender = own.sender != null && present.test(own.sender) ? own.sender : null;
        (into != null ? into : direct).relay(own.message, sender, own.udpSender);
    }
}
