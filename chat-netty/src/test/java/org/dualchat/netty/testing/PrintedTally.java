package org.dualchat.netty.testing;

import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Stands in for stdout in the robustness tests, where floods print far more than a test should keep:
 * it counts the printed lines and characters per source, keeps only the marked lines (text starting
 * {@code ok-}) with how often each was printed, and checks sequences (text {@code seq-NAME-N.}) arrive
 * in order, each number once, none skipped, with at most one partial line at the end. Its memory stays
 * small whatever is printed.
 */
public final class PrintedTally extends OutputStream {

    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final Map<String, Long> linesBySource = new HashMap<>();
    private final Map<String, Long> charsBySource = new HashMap<>();
    private final Map<String, Integer> marked = new HashMap<>();
    private final Map<String, Long> nextInSequence = new HashMap<>();
    private final Set<String> truncated = new HashSet<>();
    private final List<String> sequenceErrors = new ArrayList<>();

    @Override
    public synchronized void write(int b) {
        if (b == '\n') {
            line(partial.toString(StandardCharsets.UTF_8));
            partial.reset();
        } else {
            partial.write(b);
        }
    }

    @Override
    public synchronized void write(byte[] b, int off, int len) {
        for (int i = off; i < off + len; i++) {
            write(b[i]);
        }
    }

    private void line(String line) {
        int sep = line.indexOf(" : ");
        String source = sep < 0 ? "" : line.substring(0, sep);
        String text = sep < 0 ? line : line.substring(sep + 3);
        linesBySource.merge(source, 1L, Long::sum);
        charsBySource.merge(source, (long) text.length(), Long::sum);
        if (text.startsWith("ok-")) {
            marked.merge(line, 1, Integer::sum);
        } else if (text.startsWith("seq-")) {
            sequence(source, text);
        }
    }

    private void sequence(String source, String text) {
        int dash = text.lastIndexOf('-');
        String name = source + " " + text.substring(0, Math.max(dash, 0));
        if (!text.endsWith(".")) {
            // A sender that is cut off mid-line leaves one partial line, printed when its connection ends.
            if (!truncated.add(name)) {
                error(name + ": a second partial line: " + text);
            }
            return;
        }
        long n = Long.parseLong(text.substring(dash + 1, text.length() - 1));
        long expected = nextInSequence.getOrDefault(name, 0L);
        if (n != expected || truncated.contains(name)) {
            error(name + ": " + n + " where " + expected + " was due");
        }
        nextInSequence.put(name, n + 1);
    }

    private void error(String what) {
        if (sequenceErrors.size() < 10) {
            sequenceErrors.add(what);
        }
    }

    public synchronized long lines(String source) {
        return linesBySource.getOrDefault(source, 0L);
    }

    public synchronized long chars(String source) {
        return charsBySource.getOrDefault(source, 0L);
    }

    /** How many times {@code line} (with its {@code ip : } prefix) was printed. */
    public synchronized int times(String line) {
        return marked.getOrDefault(line, 0);
    }

    /** The marked lines printed more than once. */
    public synchronized List<String> repeated() {
        return marked.entrySet().stream().filter(e -> e.getValue() > 1).map(Map.Entry::getKey).toList();
    }

    /** How many numbers of sequence {@code name} from {@code source} arrived, in order, none twice. */
    public synchronized long sequenceLength(String source, String name) {
        return nextInSequence.getOrDefault(source + " seq-" + name, 0L);
    }

    public synchronized List<String> sequenceErrors() {
        return List.copyOf(sequenceErrors);
    }

    public boolean await(Predicate<PrintedTally> condition, Duration timeout) throws InterruptedException {
        return Loopback.await(() -> condition.test(this), timeout);
    }
}
