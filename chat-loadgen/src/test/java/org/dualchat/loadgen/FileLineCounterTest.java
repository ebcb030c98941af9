package org.dualchat.loadgen;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

@Timeout(10)
class FileLineCounterTest {

    @TempDir
    Path dir;

    private void append(Path file, String text) throws Exception {
        Files.writeString(file, text, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
    }

    @Test
    void countsWholeLinesAsTheFileGrowsAndStartsAgainWhenItIsTruncated() throws Exception {
        Path file = dir.resolve("out.txt");
        FileLineCounter counter = new FileLineCounter(file);
        assertThat(counter.count()).as("no file yet").isZero();
        append(file, "127.0.0.1 : a\n127.0.0.1 : b\n127.0.0.1 : par");
        assertThat(counter.count()).isEqualTo(2);
        append(file, "tial\n" + "x\n".repeat(300_000));
        assertThat(counter.count()).isEqualTo(300_003);
        Files.writeString(file, "y\n");
        assertThat(counter.count()).isEqualTo(1);
        assertThat(counter.description()).isEqualTo("lines in " + file);
    }
}
