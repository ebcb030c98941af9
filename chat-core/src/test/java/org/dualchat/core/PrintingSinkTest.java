package org.dualchat.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.io.StringWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class PrintingSinkTest {

    private static ChatMessage udp(String text) {
        return new ChatMessage(Protocol.UDP, "127.0.0.1", 4000, text);
    }

    @Test
    void itsDiscardingTwinTakesMessagesAndPrintsNothingHere() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintingSink sink = new PrintingSink(bytes, MessageFormat.PLAIN)) {
            MessageSink twin = sink.discardingTwin();
            assertThat(twin).isInstanceOf(PrintingSink.class).isNotSameAs(sink);
            for (int i = 0; i < 1000; i++) {
                assertThat(twin.offer(new ChatMessage(Protocol.UDP, "127.0.0.1", 1, "warm-up " + i))).isTrue();
            }
            twin.close();
            assertThat(twin.offer(new ChatMessage(Protocol.UDP, "127.0.0.1", 1, "after close"))).isFalse();
            assertThat(sink.offer(new ChatMessage(Protocol.UDP, "127.0.0.1", 1, "real"))).isTrue();
        }
        assertThat(bytes.toString(StandardCharsets.UTF_8)).isEqualTo("127.0.0.1 : real\n");
    }

    @Test
    void aTaskAfterPrintedRunsOnlyOnceWhatWasAcceptedBeforeItIsWritten() throws Exception {
        CountDownLatch open = new CountDownLatch(1);
        StringBuilder order = new StringBuilder();
        OutputStream terminal = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                write(new byte[] {(byte) b}, 0, 1);
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                try {
                    open.await();
                } catch (InterruptedException e) {
                    throw new IOException(e);
                }
                synchronized (order) {
                    order.append(new String(b, off, len, StandardCharsets.UTF_8));
                }
            }
        };
        CountDownLatch ran = new CountDownLatch(1);
        try (PrintingSink sink = new PrintingSink(terminal, MessageFormat.PLAIN)) {
            assertThat(sink.offer(new ChatMessage(Protocol.TCP, "127.0.0.1", 1, "last line"))).isTrue();
            sink.afterPrinted(() -> {
                synchronized (order) {
                    order.append("[left]\n");
                }
                ran.countDown();
            });
            assertThat(ran.await(200, TimeUnit.MILLISECONDS)).as("not before the line is written").isFalse();
            open.countDown();
            assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
            synchronized (order) {
                assertThat(order.toString()).isEqualTo("127.0.0.1 : last line\n[left]\n");
            }
            // With nothing waiting, at once.
            CountDownLatch now = new CountDownLatch(1);
            sink.afterPrinted(now::countDown);
            assertThat(now.await(10, TimeUnit.SECONDS)).isTrue();
        }
    }

    @Test
    void printsEachMessageAsIpColonText() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintingSink sink = new PrintingSink(out, MessageFormat.PLAIN)) {
            assertThat(sink.offer(udp("hello"))).isTrue();
            assertThat(sink.offer(new ChatMessage(Protocol.TCP, "::1", 5000, "héllo 世界 🎉"))).isTrue();
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("127.0.0.1 : hello\n::1 : héllo 世界 🎉\n");
    }

    @Test
    void printsNicksAndConsoleLinesAndEscapesWhatWouldDriveTheTerminal() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintingSink sink = new PrintingSink(out, MessageFormat.PLAIN)) {
            sink.offer(new ChatMessage(Protocol.TCP, "::1", 5000, "alice", "hi"));
            sink.offer(ChatMessage.fromConsole("from the operator"));
            sink.offer(udp("\u001b[2Jcleared?\rrewritten\u202e"));
        }
        assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("alice@::1 : hi\nserver : from the operator\n"
                + "127.0.0.1 : \\x1b[2Jcleared?\\x0drewritten\\u202e\n");
    }

    @Test
    void flushesAsSoonAsTheQueueRunsEmpty() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintingSink sink = new PrintingSink(out, MessageFormat.PLAIN)) {
            sink.offer(udp("shown without close"));
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (out.size() == 0 && System.nanoTime() < deadline) {
                Thread.sleep(5);
            }
            assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo("127.0.0.1 : shown without close\n");
        }
    }

    @Test
    void flushesWithinMillisecondsUnderASteadyStreamThatNeverLetsTheQueueStayEmpty() throws Exception {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintingSink sink = new PrintingSink(out, MessageFormat.PLAIN)) {
            // One message every 20 us or so: the writer's linger never runs out, only its flush bound applies.
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            long offered = 0;
            while (out.size() == 0 && System.nanoTime() < deadline) {
                sink.offer(udp("m" + offered++));
                java.util.concurrent.locks.LockSupport.parkNanos(20_000);
            }
            assertThat(out.size()).as("output seen while the stream still flows").isPositive();
            assertThat(out.toString(StandardCharsets.UTF_8)).startsWith("127.0.0.1 : m0\n");
        }
    }

    @Test
    void refusesWhenFullAndWakesWaitersWhenThereIsRoomAgain() throws Exception {
        GatedOutput out = new GatedOutput();
        int capacity = 8;
        try (PrintingSink sink = new PrintingSink(out, MessageFormat.PLAIN, capacity, Long.MAX_VALUE)) {
            try {
                // The first message goes straight to the writer, which then blocks on the output.
                assertThat(sink.offer(udp("m0"))).isTrue();
                assertThat(out.entered.await(5, TimeUnit.SECONDS)).isTrue();
                int accepted = 1;
                for (int i = 1; i < 100; i++) {
                    if (sink.offer(udp("m" + i))) {
                        accepted++;
                    }
                }
                assertThat(accepted).isEqualTo(1 + capacity);
                assertThat(sink.queued()).isEqualTo(capacity);

                CountDownLatch woken = new CountDownLatch(1);
                sink.whenReady(woken::countDown);
                assertThat(woken.await(200, TimeUnit.MILLISECONDS)).as("woken while still full").isFalse();

                out.open();
                assertThat(woken.await(5, TimeUnit.SECONDS)).isTrue();
                assertThat(sink.awaitIdle(Duration.ofSeconds(5))).isTrue();
                assertThat(out.lines()).hasSize(accepted).startsWith("127.0.0.1 : m0").endsWith("127.0.0.1 : m8");
            } finally {
                out.open();
            }
        }
    }

    @Test
    void boundsTheCharactersHeldButAlwaysTakesOneMessage() throws Exception {
        GatedOutput out = new GatedOutput();
        try (PrintingSink sink = new PrintingSink(out, MessageFormat.PLAIN, 1000, 100)) {
            try {
                assertThat(sink.offer(udp("first"))).isTrue();
                assertThat(out.entered.await(5, TimeUnit.SECONDS)).isTrue();
                String big = "x".repeat(10_000);
                // Larger than the whole budget, but the queue is empty: refusing it would refuse it forever.
                assertThat(sink.offer(udp(big))).isTrue();
                assertThat(sink.offer(udp(big))).as("over the character budget").isFalse();
                assertThat(sink.offer(udp("small"))).as("over the character budget").isFalse();
                assertThat(sink.queued()).isEqualTo(1);
            } finally {
                out.open();
            }
        }
        assertThat(out.lines()).hasSize(2);
    }

    @Test
    void closePrintsEverythingAcceptedThenRefuses() {
        GatedOutput out = new GatedOutput();
        PrintingSink sink = new PrintingSink(out, MessageFormat.PLAIN, 1000, Long.MAX_VALUE);
        for (int i = 0; i < 500; i++) {
            assertThat(sink.offer(udp("m" + i))).isTrue();
        }
        new Thread(() -> {
            sleep(100);
            out.open();
        }).start();
        sink.close();
        assertThat(out.lines()).hasSize(500).endsWith("127.0.0.1 : m499");
        assertThat(sink.printed()).isEqualTo(500);
        assertThat(sink.offer(udp("late"))).isFalse();

        AtomicInteger ran = new AtomicInteger();
        sink.whenReady(ran::incrementAndGet);
        assertThat(ran).hasValue(0);
    }

    @Test
    void keepsConsumingWhenTheOutputFails() {
        OutputStream broken = new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                throw new IOException("Broken pipe");
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                throw new IOException("Broken pipe");
            }
        };
        try (PrintingSink sink = new PrintingSink(broken, MessageFormat.PLAIN, 4, Long.MAX_VALUE)) {
            // Far more than the capacity: offers must keep succeeding as the writer discards.
            int accepted = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(5);
            while (accepted < 10_000 && System.nanoTime() < deadline) {
                if (sink.offer(udp("x".repeat(10_000)))) {
                    accepted++;
                }
            }
            assertThat(accepted).isEqualTo(10_000);
        }
    }

    /** Lines of every kind, plain ASCII and not, short and longer than the output block, through PLAIN. */
    private static List<ChatMessage> mixedLines() {
        List<ChatMessage> messages = new ArrayList<>();
        String[] texts = {"hello", "tab\there", "\u001b[2J", "héllo 世界 🎉", "del\u007f", "c1\u009b", "~ ascii end",
            "bidi\u202e", "x".repeat(LineOutput.BLOCK + 10), "y".repeat(LineOutput.BLOCK - 30), "é".repeat(40_000)};
        for (int i = 0; i < 400; i++) {
            String text = texts[i % texts.length] + (i % 7 == 0 ? "" : " #" + i);
            ChatMessage message = switch (i % 5) {
                case 0 -> new ChatMessage(Protocol.TCP, "::1", 5000, "alice", text);
                case 1 -> new ChatMessage(Protocol.TCP, "::1", 5000, "\u001bvil", text);
                case 2 -> new ChatMessage(Protocol.TCP, "127.0.0.1", 5000, "bob", text).asAction();
                case 3 -> ChatMessage.fromConsole(text);
                default -> udp(text);
            };
            messages.add(message);
        }
        return messages;
    }

    private static String abbreviate(String line) {
        return line.length() <= 200 ? line : line.substring(0, 100) + "..." + line.substring(line.length() - 100)
                + " (" + line.length() + " chars)";
    }

    /** What {@code format} makes of {@code messages} through a Writer, encoded as UTF-8. */
    private static String throughWriter(MessageFormat format, List<ChatMessage> messages) throws IOException {
        StringWriter expected = new StringWriter();
        for (ChatMessage message : messages) {
            format.write(message, expected);
        }
        return expected.toString();
    }

    @Test
    void printsEveryKindOfLineByteForByteAsTheFormatWritesItAndInOrder() throws IOException {
        List<ChatMessage> messages = mixedLines();
        MessageFormat timestamped = PlainFormat.of(true, true);
        for (MessageFormat format : List.of(MessageFormat.PLAIN, timestamped)) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            try (PrintingSink sink = new PrintingSink(out, format, 100_000, Long.MAX_VALUE)) {
                for (ChatMessage message : messages) {
                    assertThat(sink.offer(message)).isTrue();
                }
            }
            byte[] expected = throughWriter(format, messages).getBytes(StandardCharsets.UTF_8);
            // Compared whole, without printing megabytes when they differ: the first line that does is enough.
            String[] got = out.toString(StandardCharsets.UTF_8).split("\n", -1);
            String[] want = new String(expected, StandardCharsets.UTF_8).split("\n", -1);
            for (int i = 0; i < Math.min(got.length, want.length); i++) {
                if (!got[i].equals(want[i])) {
                    assertThat(abbreviate(got[i])).as("line %d", i).isEqualTo(abbreviate(want[i]));
                }
            }
            assertThat(got.length).isEqualTo(want.length);
            assertThat(Arrays.equals(out.toByteArray(), expected)).as("byte for byte").isTrue();
        }
    }

    @Test
    void takesFromManyThreadsAtOnceAndPrintsEachMessageOnceInEachSendersOrder() throws Exception {
        int senders = 4;
        int each = 50_000;
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (PrintingSink sink = new PrintingSink(out, MessageFormat.PLAIN, 1_000, Long.MAX_VALUE)) {
            List<Thread> threads = new ArrayList<>();
            for (int s = 0; s < senders; s++) {
                int sender = s;
                threads.add(new Thread(() -> {
                    for (int i = 0; i < each; i++) {
                        ChatMessage message = new ChatMessage(Protocol.TCP, "10.0.0." + sender, 1, "m" + i);
                        while (!sink.offer(message)) {
                            Thread.onSpinWait(); // full: try again, as a paused reader would once told
                        }
                    }
                }));
            }
            threads.forEach(Thread::start);
            for (Thread thread : threads) {
                thread.join();
            }
            assertThat(sink.awaitIdle(Duration.ofSeconds(5))).isTrue();
            assertThat(sink.printed()).isEqualTo((long) senders * each);
            assertThat(sink.queued()).isZero();
        }
        int[] next = new int[senders];
        for (String line : out.toString(StandardCharsets.UTF_8).split("\n")) {
            int sender = line.charAt("10.0.0.".length()) - '0';
            assertThat(line).isEqualTo("10.0.0." + sender + " : m" + next[sender]);
            next[sender]++;
        }
        assertThat(next).containsOnly(each);
    }

    @Test
    void takesABatchWholeWhenItFitsAndOnlyWhatFitsFromTheFirstWhenItDoesNot() throws Exception {
        GatedOutput out = new GatedOutput();
        try (PrintingSink sink = new PrintingSink(out, MessageFormat.PLAIN, 4, Long.MAX_VALUE)) {
            assertThat(sink.offerAll(List.of(udp("a"), udp("b")))).isEqualTo(2);
            assertThat(out.entered.await(5, TimeUnit.SECONDS)).as("the writer is stuck on the output").isTrue();
            // a and b are out of the queue, in the writer's hands: room for 4 more, taken from the first.
            assertThat(sink.offerAll(List.of(udp("c"), udp("d"), udp("e"), udp("f"), udp("g")))).isEqualTo(4);
            assertThat(sink.queued()).isEqualTo(4);
            assertThat(sink.offerAll(List.of(udp("x"), udp("y")))).isZero();
            assertThat(sink.offerAll(List.of(udp("x")))).isZero();
            out.open();
        }
        assertThat(out.lines()).containsExactly("127.0.0.1 : a", "127.0.0.1 : b", "127.0.0.1 : c", "127.0.0.1 : d",
                "127.0.0.1 : e", "127.0.0.1 : f");
    }

    @Test
    void batchesOfferedBehindADeepQueueWaitAsTheirBytesAndPrintExactlyAsTheyWouldHave() throws Exception {
        List<List<ChatMessage>> batches = new ArrayList<>();
        for (int b = 0; b < 12; b++) {
            List<ChatMessage> batch = new ArrayList<>();
            for (int i = 0; i < 50; i++) {
                String text = "line " + b + "." + i + (i % 3 == 0 ? "\twith a tab" : "");
                batch.add(switch (i % 4) {
                    case 0 -> new ChatMessage(Protocol.TCP, "::1", 5000, "alice", text);
                    case 1 -> new ChatMessage(Protocol.TCP, "127.0.0.1", 5000, "bob", text).asAction();
                    case 2 -> ChatMessage.fromConsole(text);
                    default -> udp(text);
                });
            }
            if (b == 7) {
                batch.set(20, udp("héllo: not ASCII, so this batch waits as messages"));
            }
            if (b == 10) { // more than the output's block in one batch
                for (int i = 0; i < 20; i++) {
                    batch.set(i, udp(i + "z".repeat(4_000)));
                }
            }
            batches.add(batch);
        }
        ChatMessage first = udp("first");
        List<ChatMessage> expected = new ArrayList<>(List.of(first));
        batches.forEach(expected::addAll);
        for (MessageFormat format : List.of(MessageFormat.PLAIN, PlainFormat.of(true, true))) {
            GatedOutput out = new GatedOutput();
            // Deep from 100 queued messages on (an eighth of the capacity).
            try (PrintingSink sink = new PrintingSink(out, format, 800, Long.MAX_VALUE)) {
                assertThat(sink.offer(first)).isTrue();
                assertThat(out.entered.await(5, TimeUnit.SECONDS)).as("the writer is stuck on the output").isTrue();
                for (List<ChatMessage> batch : batches) {
                    assertThat(sink.offerAll(batch)).isEqualTo(batch.size());
                }
                assertThat(sink.queued()).isEqualTo(600);
                // The first two batches went in at 50 and 100 queued; the eighth holds a line that is not ASCII.
                assertThat(sink.queuedAsBytes()).as("lines waiting as bytes, %s", format)
                        .isEqualTo(format == MessageFormat.PLAIN ? 450 : 0);
                out.open();
                assertThat(sink.awaitIdle(Duration.ofSeconds(5))).isTrue();
                assertThat(sink.printed()).isEqualTo(601);
            }
            assertThat(new String(out.bytes(), StandardCharsets.UTF_8))
                    .isEqualTo(throughWriter(format, expected));
        }
    }

    @Test
    void rejectsNonsenseBounds() {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        assertThatThrownBy(() -> new PrintingSink(out, MessageFormat.PLAIN, 0, 10))
                .hasMessage("capacity: 0 (expected: > 0)");
        assertThatThrownBy(() -> new PrintingSink(out, MessageFormat.PLAIN, 10, 0))
                .hasMessage("maxQueuedChars: 0 (expected: > 0)");
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** An output that blocks every write until it is opened, like a terminal nobody reads. */
    static final class GatedOutput extends OutputStream {
        final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch gate = new CountDownLatch(1);
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

        void open() {
            gate.countDown();
        }

        byte[] bytes() {
            return bytes.toByteArray();
        }

        String[] lines() {
            String text = bytes.toString(StandardCharsets.UTF_8);
            return text.isEmpty() ? new String[0] : text.split("\n");
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            entered.countDown();
            try {
                gate.await();
            } catch (InterruptedException e) {
                throw new IOException(e);
            }
            bytes.write(b, off, len);
        }
    }
}
