package org.dualchat.netty.metrics;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.BaseUnits;
import io.micrometer.core.instrument.binder.MeterBinder;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The process's resident memory now and at its peak, as the kernel counts it ({@code VmRSS} and
 * {@code VmHWM} in {@code /proc/self/status}): what a benchmark compares with other receivers, heap,
 * direct buffers and thread stacks together. Linux only; elsewhere no meter is registered.
 *
 * <ul>
 *   <li>{@code process_resident_memory_bytes}</li>
 *   <li>{@code process_resident_memory_peak_bytes}</li>
 * </ul>
 */
final class ResidentMemory implements MeterBinder {

    private final Path status;

    ResidentMemory() {
        this(Path.of("/proc/self/status"));
    }

    ResidentMemory(Path status) {
        this.status = status;
    }

    @Override
    public void bindTo(MeterRegistry registry) {
        if (read("VmRSS:") < 0) {
            return;
        }
        Gauge.builder("process.resident.memory", this, r -> r.read("VmRSS:"))
                .description("Resident set size of this process")
                .baseUnit(BaseUnits.BYTES)
                .strongReference(true)
                .register(registry);
        Gauge.builder("process.resident.memory.peak", this, r -> r.read("VmHWM:"))
                .description("Peak resident set size of this process since it started")
                .baseUnit(BaseUnits.BYTES)
                .strongReference(true)
                .register(registry);
    }

    /** The field's value in bytes ({@code VmRSS:   12345 kB}), or -1 if it cannot be read. */
    double read(String field) {
        try {
            for (String line : Files.readAllLines(status, StandardCharsets.US_ASCII)) {
                if (line.startsWith(field)) {
                    String value = line.substring(field.length()).trim();
                    int space = value.indexOf(' ');
                    return Long.parseLong(space < 0 ? value : value.substring(0, space)) * 1024.0;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
