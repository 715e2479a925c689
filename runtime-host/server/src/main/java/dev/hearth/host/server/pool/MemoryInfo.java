package dev.hearth.host.server.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Memory the machine can still give, from Linux's {@code /proc/meminfo}. */
public final class MemoryInfo {

    private static final Path MEMINFO = Path.of("/proc/meminfo");

    private MemoryInfo() {
    }

    /** {@code MemAvailable} in bytes (free memory plus reclaimable caches), or -1 where unknown. */
    public static long availableBytes() {
        try {
            for (String line : Files.readAllLines(MEMINFO)) {
                if (line.startsWith("MemAvailable:")) {
                    String v = line.substring("MemAvailable:".length()).strip();
                    if (!v.endsWith("kB")) return -1;
                    return Long.parseLong(v.substring(0, v.length() - 2).strip()) * 1024L;
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }
}
