package dev.hearth.benchmark;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Resident memory of this process, read from Linux's {@code /proc/self/status} ({@code VmHWM}: peak resident set).
 * {@link #resetPeak()} writes {@code 5} to {@code /proc/self/clear_refs}, which resets the peak to the current RSS
 * (Linux 4.0 and later), so each backend's peak is its own. Elsewhere the values are -1 (unknown).
 */
public final class ProcessMemory {

    private static final Path STATUS = Path.of("/proc/self/status");
    private static final Path CLEAR_REFS = Path.of("/proc/self/clear_refs");

    private ProcessMemory() {}

    /** Peak resident set size in bytes since start or the last {@link #resetPeak()}, -1 when unknown. */
    public static long peakRssBytes() {
        return statusKiloBytes("VmHWM:");
    }

    /** Current resident set size in bytes, -1 when unknown. */
    public static long rssBytes() {
        return statusKiloBytes("VmRSS:");
    }

    /** Resets the peak to the current resident set; false where the system does not allow it. */
    public static boolean resetPeak() {
        try {
            Files.writeString(CLEAR_REFS, "5");
            return true;
        } catch (IOException | SecurityException | UnsupportedOperationException e) {
            return false;
        }
    }

    private static long statusKiloBytes(String key) {
        try {
            for (String line : Files.readAllLines(STATUS)) {
                if (line.startsWith(key)) {
                    String v = line.substring(key.length()).strip(); // "123456 kB"
                    return Long.parseLong(v.substring(0, v.indexOf(' '))) * 1024;
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux, or an unexpected layout: unknown
        }
        return -1;
    }
}
