package org.dualchat.bench;

import java.util.concurrent.TimeUnit;
import org.dualchat.core.TextSafety;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * TextSafety on one message's text: plain ASCII (nothing to escape, the common case), accented and CJK text
 * (nothing to escape, but not Latin-1), and text with escape sequences in it.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class TextSafetyBenchmark {

    @Param({"ascii64", "multibyte64", "escapes64"})
    public String payload;

    private String text;

    @Setup
    public void setUp() {
        text = switch (payload) {
            case "ascii64" -> "a".repeat(64);
            case "multibyte64" -> "héllo wörld 世界 ".repeat(3);
            default -> "\u001b[31mred\u001b[0m and a bell \u0007 then a reversal \u202e".repeat(1);
        };
    }

    @Benchmark
    public String escape() {
        return TextSafety.escape(text);
    }

    @Benchmark
    public boolean isSafe() {
        return TextSafety.isSafe(text);
    }
}
