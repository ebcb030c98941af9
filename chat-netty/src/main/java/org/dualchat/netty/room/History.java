package org.dualchat.netty.room;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BooleanSupplier;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.TextSafety;

/**
 * The room's last messages, which a joiner is shown before the live ones: a ring of at most {@code capacity}
 * messages, each cut to {@link #MAX_TEXT} characters, so it holds a bounded number of bytes.
 *
 * <p>Messages enter the ring at the room's ordering point: as their batch is handed to the event loops
 * ({@link LocalRoom#fanOut}), and each batch is numbered there. A joiner's snapshot carries the number of the
 * last batch it holds; the joiner skips any batch with that number or a lower one that still reaches it
 * live, and every later batch reaches it, since it joined its loop's members before the snapshot. So
 * history and live relays meet without a gap and without a duplicate.
 *
 * <p>What is said while no one else is there is kept too ({@link #appendIf}), unencoded, unless the sender's loop
 * holds a batch not sent yet: then the line is relayed with it, keeping its place, and reaching whoever joins
 * before that batch goes.
 */
final class History {

    /** The longest text kept per message, in UTF-16 characters; the rest is cut and marked. */
    static final int MAX_TEXT = 1000;
    /** Marks a message cut to {@link #MAX_TEXT}. */
    static final String CUT = "… (cut)";
    /** The line after the last message of history. */
    static final String END = "* end of history";

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("HH:mm:ss");

    private final ChatMessage[] ring;
    private final ZoneId zone;
    private int next;
    private int size;
    private long batches;

    History(int capacity, ZoneId zone) {
        this.ring = new ChatMessage[capacity];
        this.zone = zone;
    }

    /** A history of {@code capacity} messages in the system's time zone, or {@code null} for none. */
    static History of(int capacity) {
        return capacity == 0 ? null : new History(capacity, ZoneId.systemDefault());
    }

    int capacity() {
        return ring.length;
    }

    /** Remembers a batch's messages ({@code null} for none), in order; the batch's number. */
    synchronized long append(List<ChatMessage> messages) {
        if (messages != null) {
            putLast(messages, messages.size());
        }
        return ++batches;
    }

    /**
     * Remembers {@code message} as a batch of its own if the room still counts at most {@code most} members,
     * checked under the same lock as a joiner's snapshot: either the message is in the snapshot, or the joiner
     * was counted before the check and the message goes the way of a relay instead. (Once per message said
     * alone, a UDP datagram included: no lambda to allocate.)
     *
     * @return whether it was remembered
     */
    synchronized boolean appendIf(AtomicInteger members, int most, ChatMessage message) {
        if (members.get() > most) {
            return false;
        }
        put(message);
        batches++;
        return true;
    }

    /**
     * Remembers the first {@code count} of {@code messages} as one batch of their own if the room still counts at
     * most {@code most} members (see {@link #appendIf(AtomicInteger, int, ChatMessage)}).
     *
     * @return whether they were remembered
     */
    synchronized boolean appendIf(AtomicInteger members, int most, List<ChatMessage> messages, int count) {
        if (members.get() > most) {
            return false;
        }
        putLast(messages, count);
        batches++;
        return true;
    }

    /**
     * Remembers the first {@code count} of {@code messages} as a batch of their own if {@code condition} holds,
     * checked under the same lock as a joiner's snapshot (see {@link #appendIf(AtomicInteger, int, ChatMessage)}).
     *
     * @return whether they were remembered
     */
    synchronized boolean appendIf(BooleanSupplier condition, ChatMessage[] messages, int count) {
        if (!condition.getAsBoolean()) {
            return false;
        }
        putLast(Arrays.asList(messages), count);
        batches++;
        return true;
    }

    /** What a joiner is shown now, and the number of the last batch it covers. */
    synchronized Snapshot snapshot() {
        List<ChatMessage> messages = new ArrayList<>(size);
        for (int i = 0; i < size; i++) {
            messages.add(ring[Math.floorMod(next - size + i, ring.length)]);
        }
        return new Snapshot(messages, batches, zone);
    }

    /** Puts the first {@code count} of {@code messages} in order; only the last capacity of them can stay. */
    private void putLast(List<ChatMessage> messages, int count) {
        for (int i = Math.max(0, count - ring.length); i < count; i++) {
            put(messages.get(i));
        }
    }

    private void put(ChatMessage message) {
        ring[next] = cut(message);
        next = next + 1 == ring.length ? 0 : next + 1;
        size = Math.min(size + 1, ring.length);
    }

    /** {@code message}, or a copy of it with its text cut to {@link #MAX_TEXT} characters. */
    static ChatMessage cut(ChatMessage message) {
        String text = message.text();
        if (text.length() <= MAX_TEXT) {
            return message;
        }
        int end = Character.isHighSurrogate(text.charAt(MAX_TEXT - 1)) ? MAX_TEXT - 1 : MAX_TEXT;
        return new ChatMessage(message.protocol(), message.ip(), message.port(), message.nick(),
                text.substring(0, end) + CUT, message.receivedAt(), message.action());
    }

    /** The messages a joiner is shown, and the number of the last batch among them. */
    record Snapshot(List<ChatMessage> messages, long lastBatch, ZoneId zone) {

        /**
         * The lines a joiner gets: nothing if there is no history; else {@code * last 3 messages:}, each
         * message as relayed with the time it was received in front ({@code [14:02:11] alice@127.0.0.1 : hi}),
         * and {@link #END}.
         */
        List<String> lines() {
            if (messages.isEmpty()) {
                return List.of();
            }
            List<String> lines = new ArrayList<>(messages.size() + 2);
            int n = messages.size();
            lines.add(n == 1 ? "* last message:" : "* last " + n + " messages:");
            for (ChatMessage message : messages) {
                lines.add("[" + TIME.format(Instant.ofEpochMilli(message.receivedAt()).atZone(zone)) + "] "
                        + relayed(message));
            }
            lines.add(END);
            return lines;
        }
    }

    /** {@code message} as the room relays it: {@code SENDER : TEXT}, or {@code * SENDER ACTION}. */
    static String relayed(ChatMessage message) {
        String text = TextSafety.escape(message.text());
        return message.action() ? "* " + message.sender() + " " + text : message.sender() + " : " + text;
    }
}
