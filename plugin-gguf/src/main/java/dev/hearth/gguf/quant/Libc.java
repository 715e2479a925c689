package dev.hearth.gguf.quant;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * The few Linux memory calls the CPU engine makes through the C library (the engine's huge pages, {@link Prefetch}):
 * anonymous mappings, their protection and advice. {@link #available} is false elsewhere, and where the process has
 * no native access; the callers then fall back.
 */
public final class Libc {

    // Linux's values, the same on x86-64 and ARM64
    public static final int PROT_READ = 0x1;
    public static final int PROT_WRITE = 0x2;
    public static final int PROT_EXEC = 0x4;
    private static final int MAP_PRIVATE_ANONYMOUS = 0x02 | 0x20;
    public static final int MADV_HUGEPAGE = 14;

    private static final MethodHandle MMAP;
    private static final MethodHandle MUNMAP;
    private static final MethodHandle MADVISE;
    private static final MethodHandle MPROTECT;

    static {
        MethodHandle mmap = null, munmap = null, madvise = null, mprotect = null;
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
                mprotect = linker.downcallHandle(libc.find("mprotect").orElseThrow(),
                        FunctionDescriptor.of(JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT));
            } catch (RuntimeException e) { // no native access or no libc
                mmap = null;
            }
        }
        MMAP = mmap;
        MUNMAP = munmap;
        MADVISE = madvise;
        MPROTECT = mprotect;
    }

    private Libc() {
    }

    public static boolean available() {
        return MMAP != null;
    }

    /** A private anonymous mapping of {@code length} bytes; {@link MemorySegment#NULL} when it fails. */
    public static MemorySegment mapAnonymous(long length, int protection) {
        MemorySegment mapping;
        try {
            mapping = (MemorySegment) MMAP.invokeExact(MemorySegment.NULL, length, protection, MAP_PRIVATE_ANONYMOUS,
                    -1, 0L);
        } catch (Throwable e) {
            throw new IllegalStateException("mmap of " + length + " bytes", e);
        }
        return mapping.address() == -1L ? MemorySegment.NULL : mapping; // MAP_FAILED
    }

    public static void unmap(MemorySegment mapping, long length) {
        try {
            int ignored = (int) MUNMAP.invokeExact(mapping, length);
        } catch (Throwable e) {
            throw new IllegalStateException("munmap", e);
        }
    }

    /** {@code madvise}; whether it succeeded. */
    public static boolean advise(MemorySegment start, long length, int advice) {
        try {
            return (int) MADVISE.invokeExact(start, length, advice) == 0;
        } catch (Throwable e) {
            throw new IllegalStateException("madvise", e);
        }
    }

    /** {@code mprotect}; whether it succeeded. */
    public static boolean protect(MemorySegment start, long length, int protection) {
        try {
            return (int) MPROTECT.invokeExact(start, length, protection) == 0;
        } catch (Throwable e) {
            throw new IllegalStateException("mprotect", e);
        }
    }
}
