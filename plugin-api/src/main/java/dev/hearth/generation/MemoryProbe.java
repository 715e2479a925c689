package dev.hearth.generation;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Reads the process's memory figures from Linux's {@code /proc/self/status}. */
public final class MemoryProbe {

    private static final Path STATUS = Path.of("/proc/self/status");

    private MemoryProbe() {
    }

    /** Peak resident set size ({@code VmHWM}) in bytes, or -1 where {@code /proc} is unavailable. */
    public static long peakRssBytes() {
        return field("VmHWM:");
    }

    /** Current resident set size ({@code VmRSS}) in bytes, or -1 where {@code /proc} is unavailable. */
    public static long rssBytes() {
        return field("VmRSS:");
    }

    private static long field(String name) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(name)) return parseKb(line.substring(name.length()));
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    /** "   123456 kB" to bytes; -1 when it is not that shape. */
    static long parseKb(String value) {
        String v = value.strip();
        if (!v.endsWith("kB")) return -1;
        try {
            return Long.parseLong(v.substring(0, v.length() - 2).strip()) * 1024L;
        } catch (NumberFormatException e) {
            return -1;
        }
    }
}
