package dev.hearth.gguf.engine;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.nio.file.Files;
import java.nio.file.Path;

import dev.hearth.gguf.quant.Libc;

/**
 * Memory for weights the CPU engine repacks at load, on transparent huge pages where Linux offers them. Every token
 * streams all the weights: on 4 KiB pages a core takes a TLB miss and its prefetchers stop every 4 KiB, on 2 MiB
 * pages every 2 MiB. The
 * memory is an anonymous mapping aligned to 2 MiB and marked {@code MADV_HUGEPAGE} before anything touches it (the
 * kernel then backs it with huge pages where the system's setting is {@code madvise} or {@code always}); it is
 * unmapped when the arena closes. Elsewhere, when the mapping fails, or with the system property
 * {@value #PROPERTY}{@code =false} (for comparisons), the arena allocates it.
 */
public final class HugePages {

    public static final String PROPERTY = "hearth.cpu.huge-pages";

    /** The size of a huge page on x86-64 and of the usual ARM64 kernels. */
    static final long SIZE = 2L << 20;

    private HugePages() {
    }

    /**
     * Whether {@link #allocate} gives huge pages here: Linux with native access, a system setting of {@code madvise}
     * or {@code always}, and not turned off by {@value #PROPERTY}.
     */
    public static boolean offered() {
        return Libc.available() && enabled() && offeredBy(readSetting());
    }

    /** Whether a {@code transparent_hugepage/enabled} setting offers huge pages to marked memory. */
    static boolean offeredBy(String setting) {
        return setting.contains("[always]") || setting.contains("[madvise]");
    }

    private static String readSetting() {
        try {
            return Files.readString(Path.of("/sys/kernel/mm/transparent_hugepage/enabled"));
        } catch (IOException | RuntimeException e) {
            return "";
        }
    }

    private static boolean enabled() {
        return Boolean.parseBoolean(System.getProperty(PROPERTY, "true").trim());
    }

    /** {@code bytes} of zeroed memory, 64-byte aligned at least, freed when {@code arena} closes. */
    public static MemorySegment allocate(long bytes, Arena arena) {
        if (!Libc.available() || bytes < SIZE || !enabled()) {
            return arena.allocate(bytes, 64);
        }
        long span = (bytes + SIZE - 1) & -SIZE;
        long length = span + SIZE; // room to start on a huge page boundary
        MemorySegment mapping = Libc.mapAnonymous(length, Libc.PROT_READ | Libc.PROT_WRITE);
        if (mapping.equals(MemorySegment.NULL)) return arena.allocate(bytes, 64);
        long start = (mapping.address() + SIZE - 1) & -SIZE;
        MemorySegment memory = MemorySegment.ofAddress(start);
        Libc.advise(memory, span, Libc.MADV_HUGEPAGE); // a hint: its result does not matter
        return memory.reinterpret(bytes, arena, m -> Libc.unmap(mapping, length));
    }
}
