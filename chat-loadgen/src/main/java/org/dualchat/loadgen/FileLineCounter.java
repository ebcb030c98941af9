package org.dualchat.loadgen;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Counts the lines in a file that a receiver writes to, such as the server's redirected stdout. Each
 * reading goes on from where the last one stopped, so watching a growing file costs only its growth.
 */
public final class FileLineCounter implements ReceivedCounter {

    private final Path file;
    private final ByteBuffer buffer = ByteBuffer.allocateDirect(256 * 1024);
    private long offset;
    private long lines;

    public FileLineCounter(Path file) {
        this.file = requireNonNull(file, "file");
    }

    @Override
    public long count() throws IOException {
        try (FileChannel channel = FileChannel.open(file, StandardOpenOption.READ)) {
            if (channel.size() < offset) {
                // Truncated and rewritten: what was counted before is gone, count afresh.
                offset = 0;
                lines = 0;
            }
            while (true) {
                buffer.clear();
                int n = channel.read(buffer, offset);
                if (n <= 0) {
                    return lines;
                }
                offset += n;
                for (int i = 0; i < n; i++) {
                    if (buffer.get(i) == '\n') {
                        lines++;
                    }
                }
            }
        } catch (NoSuchFileException e) {
            return lines;
        }
    }

    @Override
    public String description() {
        return "lines in " + file;
    }
}
