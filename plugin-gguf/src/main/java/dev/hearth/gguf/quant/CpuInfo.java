package dev.hearth.gguf.quant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CPU's {@code vendor_id} and {@code flags} from /proc/cpuinfo ("" where unknown), for the choices that differ
 * by core ({@link PromptTile}, {@link HalfConversion}, the engine's copies of the weights): the same Java code is
 * faster one way on Intel's cores with AVX-512 and the other way on AMD Zen 4, which splits 512-bit work over its
 * 256-bit pipes.
 */
public final class CpuInfo {

    static final String VENDOR;
    static final String FLAGS;

    static { // one read of the file for both fields
        List<String> lines = lines();
        VENDOR = field(lines, "vendor_id");
        FLAGS = field(lines, "flags");
    }

    private CpuInfo() {
    }

    /** This CPU's {@code vendor_id} ("" where unknown). */
    public static String vendor() {
        return VENDOR;
    }

    /** Whether {@code vendor} and {@code flags} describe an Intel CPU with AVX-512. */
    static boolean intelAvx512(String vendor, String flags) {
        return "GenuineIntel".equals(vendor) && hasFlag(flags, "avx512f");
    }

    /**
     * A two-way choice set by system property {@code name}: {@code otherwise} where its {@code value} is null or blank,
     * else whether the value is {@code yes} (or {@code no}; anything else is an error naming both).
     */
    public static boolean choice(String name, String value, String yes, String no, boolean otherwise) {
        if (value == null || value.isBlank()) return otherwise;
        String v = value.trim();
        if (v.equals(yes)) return true;
        if (v.equals(no)) return false;
        throw new IllegalArgumentException(name + "=" + value + ": expected " + yes + " or " + no);
    }

    /** Why a choice was made, for its log line: {@code property=value} where one was set, else this CPU's facts. */
    static String reason(String property, String value) {
        return value == null || value.isBlank() ? "vendor " + VENDOR + ", avx512f " + hasFlag(FLAGS, "avx512f")
                : property + "=" + value;
    }

    static boolean hasFlag(String flags, String flag) {
        return (" " + flags + " ").contains(" " + flag + " ");
    }

    /** The lines of /proc/cpuinfo, none where it cannot be read (not Linux, not readable). */
    private static List<String> lines() {
        try {
            return Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | SecurityException e) {
            return List.of();
        }
    }

    /** The first value of a /proc/cpuinfo field among {@code lines}, or "". */
    private static String field(List<String> lines, String name) {
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) return line.substring(colon + 1).trim();
        }
        return "";
    }
}
