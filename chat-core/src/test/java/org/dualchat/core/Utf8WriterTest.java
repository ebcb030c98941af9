package org.dualchat.core;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

@Timeout(10)
class Utf8WriterTest {

    private static byte[] written(int bufferSize, String... pieces) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (Utf8Writer writer = new Utf8Writer(out, bufferSize)) {
            for (String piece : pieces) {
                writer.write(piece);
            }
        }
        return out.toByteArray();
    }

    @Test
    void encodesEveryWidthAsTheJdkDoes() throws IOException {
        String text = "ascii é ß 世界 🎉 \u0000 \u07ff \u0800 \uffff end";
        assertThat(written(64 * 1024, text)).isEqualTo(text.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void keepsASurrogatePairThatSpansTwoWrites() throws IOException {
        String emoji = "🎉";
        assertThat(written(16, "a" + emoji.charAt(0), emoji.charAt(1) + "b"))
                .isEqualTo(("a" + emoji + "b").getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void writesALoneSurrogateAsAQuestionMarkLikeTheJdk() throws IOException {
        String broken = "x\ud83cy\udf89z\ud83c";
        assertThat(new String(written(16, broken), StandardCharsets.UTF_8)).isEqualTo("x?y?z?");
        assertThat(written(16, broken)).isEqualTo(broken.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void crossesBufferBoundariesAtEveryOffset() throws IOException {
        Random random = new Random(7);
        StringBuilder text = new StringBuilder();
        String[] alphabet = {"a", "é", "世", "🎉", "\n"};
        for (int i = 0; i < 5_000; i++) {
            text.append(alphabet[random.nextInt(alphabet.length)]);
        }
        byte[] expected = text.toString().getBytes(StandardCharsets.UTF_8);
        for (int size = 16; size < 40; size++) {
            assertThat(written(size, text.toString())).as("buffer of %d", size).isEqualTo(expected);
        }
    }

    @Test
    void writesNothingToTheStreamUntilTheBufferFillsOrFlushes() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        Utf8Writer writer = new Utf8Writer(out, 16);
        writer.write("0123456789");
        assertThat(out.size()).isZero();
        writer.write("0123456789");
        assertThat(out.size()).isEqualTo(16);
        writer.flush();
        assertThat(out.size()).isEqualTo(20);
    }
}
