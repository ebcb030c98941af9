package org.dualchat.netty.room;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.buffer.UnpooledByteBufAllocator;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.dualchat.core.ChatMessage;
import org.dualchat.core.TextSafety;

/**
 * Collects the lines relayed from one thread into a {@link RelayBatch}: encoded one after the other into
 * one buffer, each charged to the budget as it is added. Used by one thread at a time only: an event loop
 * for what it reads in one round, or a caller off the loops for one line. An event loop's outbox encodes into
 * a buffer of its own, kept from batch to batch, and copies each batch once into a buffer of its exact size:
 * a batch that grew line by line was reallocated and copied a dozen times on its way to 64 KB.
 */
final class Outbox {

    /**
     * A batch is sent on once it holds this many bytes, even before the end of its loop's round; in a room crowded
     * for its budget, once it holds one member's limit ({@link RelayBudget#batchBytes}, set by {@link MemberBuffers}).
     */
    static final int MAX_BATCH_BYTES = 64 * 1024;

    /** For the scratch buffers only: Netty reports a tracked buffer that is collected unreleased as a leak. */
    private static final ByteBufAllocator UNTRACKED = new UnpooledByteBufAllocator(true, true);

    private final RelayBudget budget;
    /** Where an event loop's lines are encoded, kept from batch to batch; {@code null} for a one-off outbox. */
    private final ByteBuf scratch;
    private ByteBuf content;
    private int[] ends = new int[16];
    private Member[] senders = new Member[16];
    private boolean[] counted = new boolean[16];
    // The usual line's bytes, made by writeSafe; as long as the longest text yet (a line's limit at most).
    private byte[] ascii;
    private int count;
    private long charged;
    private List<ChatMessage> remembered;

    /** A one-off outbox: its batch's buffer grows with its lines. */
    Outbox(RelayBudget budget) {
        this(budget, false);
    }

    private Outbox(RelayBudget budget, boolean reused) {
        this.budget = budget;
        // Kept for the room's life and freed with it by the collector (the JDK's cleaner): not leak-tracked, since
        // nothing releases it, and not taken from the shared pool, whose chunk it would keep.
        this.scratch = reused ? UNTRACKED.directBuffer(MAX_BATCH_BYTES + 8 * 1024) : null;
        this.content = scratch;
    }

    /** An outbox for one event loop's many batches. */
    static Outbox reused(RelayBudget budget) {
        return new Outbox(budget, true);
    }

    boolean isEmpty() {
        return count == 0;
    }

    boolean isFull() {
        return content != null && content.writerIndex() >= budget.batchBytes();
    }

    /**
     * Adds {@code prefix : text} (or {@code text} alone, with a {@code null} prefix) and a newline, the text
     * made safe for a terminal ({@link TextSafety#escape}; text already escaped is left as it is).
     *
     * @param sender who sent it, never sent it back; {@code null} for nobody in the room
     * @param relay whether it is a relay (counted in the stats) rather than a notice
     */
    void add(String nick, String ip, String text, Member sender, boolean relay) {
        if (content == null) {
            content = Unpooled.directBuffer(Math.max(256, text.length() + 64));
        }
        int start = content.writerIndex();
        if (nick != null) {
            ByteBufUtil.writeUtf8(content, nick);
            content.writeByte('@');
        }
        if (ip != null) {
            ByteBufUtil.writeAscii(content, ip);
            content.writeByte(' ').writeByte(':').writeByte(' ');
        }
        writeSafe(text);
        content.writeByte('\n');
        int bytes = content.writerIndex() - start;
        budget.charge(bytes);
        charged += bytes;
        if (count == ends.length) {
            ends = Arrays.copyOf(ends, count * 2);
            senders = Arrays.copyOf(senders, count * 2);
            counted = Arrays.copyOf(counted, count * 2);
        }
        ends[count] = content.writerIndex();
        senders[count] = sender;
        counted[count] = relay;
        count++;
    }

    /**
     * Writes {@code text} escaped and UTF-8 encoded in one pass over it when it is printable ASCII (the usual
     * line), else escapes it first.
     */
    private void writeSafe(String text) {
        int n = text.length();
        if (ascii == null || ascii.length < n) {
            ascii = new byte[Math.max(n, 256)];
        }
        byte[] out = ascii;
        for (int i = 0; i < n; i++) {
            char c = text.charAt(i);
            if (c >= 0x80 || TextSafety.isUnsafe(c)) {
                ByteBufUtil.writeUtf8(content, TextSafety.escape(text));
                return;
            }
            out[i] = (byte) c;
        }
        content.writeBytes(out, 0, n);
    }

    /**
     * Keeps {@code message} for the room's history, with this batch: it enters the history as the batch is sent.
     * Only the last {@code keep} (the history's size) can stay there, so not many more are kept.
     */
    void remember(ChatMessage message, int keep) {
        if (remembered == null) {
            remembered = new ArrayList<>(Math.min(keep, 16));
        } else if (remembered.size() >= 2 * keep) {
            remembered.subList(0, remembered.size() - keep).clear(); // at most twice the history: no copy per line
        }
        remembered.add(message);
    }

    /** The batch collected so far, which the caller must release; the outbox starts a new one. */
    RelayBatch take() {
        ByteBuf lines = content;
        if (scratch != null) {
            int bytes = scratch.writerIndex();
            lines = Unpooled.directBuffer(bytes, bytes).writeBytes(scratch, 0, bytes);
            scratch.clear();
        }
        RelayBatch batch = new RelayBatch(lines, budget, charged, Arrays.copyOf(ends, count),
                Arrays.copyOf(senders, count), Arrays.copyOf(counted, count), count);
        batch.remembered = remembered;
        remembered = null;
        content = scratch;
        count = 0;
        charged = 0;
        Arrays.fill(senders, null);
        return batch;
    }
}
