package dev.hearth.gguf.quant;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The CPU's {@code vendor_id} and {@code flags} from /proc/cpuinfo ("" where unknown), for the kernel choices that
 * differ by core ({@link PromptTile}, {@link HalfConversion}): the same Java code is faster one way on Intel's cores,
 * whose 512-bit vector work has two ports, and the other way on AMD Zen 4, which splits it over four 256-bit pipes.
 */
final class CpuInfo {

    static final String VENDOR = field("vendor_id");
    static final String FLAGS = field("flags");

    private CpuInfo() {
    }

    /** Whether {@code vendor} and {@code flags} describe an Intel CPU with AVX-512. */
    static boolean intelAvx512(String vendor, String flags) {
        return "GenuineIntel".equals(vendor) && hasFlag(flags, "avx512f");
    }

    /** Why a choice was made, for its log line: {@code property=value} where one was set, else this CPU's facts. */
    static String reason(String property, String value) {
        return value == null || value.isBlank() ? "vendor " + VENDOR + ", avx512f " + hasFlag(FLAGS, "avx512f")
                : property + "=" + value;
    }

    static boolean hasFlag(String flags, String flag) {
        return (" " + flags + " ").contains(" " + flag + " ");
    }

    /** The first value of a /proc/cpuinfo field, or "" (not Linux, not readable). */
    private static String field(String name) {
        List<String> lines;
        try {
            lines = Files.readAllLines(Path.of("/proc/cpuinfo"));
        } catch (IOException | SecurityException e) {
            return "";
        }
        for (String line : lines) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().equals(name)) return line.substring(colon + 1).trim();
        }
        return "";
    }
}
