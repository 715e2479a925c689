package dev.hearth.gguf.engine;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;
import java.nio.file.Files;
import java.nio.file.Path;

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

    // Linux's values, the same on x86-64 and ARM64
    private static final int PROT_READ_WRITE = 0x1 | 0x2;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    private static final int MADV_HUGEPAGE = 14;

    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;

    static {
        MethodHandle mmap = null, munmap = null, madvise = null;
        if (System.getProperty("os.name", "").startsWith("Linux")) {
            try {
                Linker linker = Linker.nativeLinker();
                var libc = linker.defaultLookup();
                mmap = linker.downcallHandle(libc.find("mmap").orElseThrow(),
                        FunctionDescriptor.of(ADDRESS, ADDRESS, JAVA_LONG, JAVA_INT, JAVA_INT, JAVA_INT, JAVA_LONG));
                munmap = linker.downcallHandle(libc.find("munmap").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG));
                madvise = linker.downcallHandle(libc.find("madvise").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
            } catch (RuntimeException e) { // no native access or no libc: the arena allocates
                mmap = null;
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
        MADVISE = madvise;
    }

    private HugePages() {
    }

    /**
     * Whether {@link #allocate} gives huge pages here: Linux with native access, a system setting of {@code madvise}
     * or {@code always}, and not turned off by {@value #PROPERTY}.
     */
    public static boolean offered() {
        return MMAP != null && enabled() && offeredBy(readSetting());
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
        if (MMAP == null || bytes < SIZE || !enabled()) {
            return arena.allocate(bytes, 64);
        }
        long span = (bytes + SIZE - 1) & -SIZE;
        long length = span + SIZE; // room to start on a huge page boundary
        MemorySegment mapping;
        try {
            mapping = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, length, PROT_READ_WRITE,
                    MAP_PRIVATE_ANONYMOUS, -1, 0L);
        } catch (Throwable e) {
            throw new IllegalStateException("mmap of " + length + " bytes", e);
        }
        if (mapping.address() == -1L) return arena.allocate(bytes, 64); // MAP_FAILED
        long start = (mapping.address() + SIZE - 1) & -SIZE;
        MemorySegment memory = MemorySegment.ofAddress(start);
        try {
            int ignored = (int) MADVISE.invokeExact(memory, span, MADV_HUGEPAGE); // a hint: its result does not matter
        } catch (Throwable e) {
            throw new IllegalStateException("madvise", e);
        }
        return memory.reinterpret(bytes, arena, m -> unmap(mapping, length));
    }

    private static void unmap(MemorySegment mapping, long length) {
        try {
            int ignored = (int) MUNMAP.invokeExact(mapping, length);
        } catch (Throwable e) {
            throw new IllegalStateException("munmap", e);
        }
    }
}
