package dev.hearth.gguf.quant;

import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemorySegment;
import java.lang.invoke.MethodHandle;

/**
 * Software prefetches of the weights a kernel reads next. A generation step streams every weight once, and a core
 * keeps only as many reads in flight as its out-of-order window holds: for the row-group kernels, whose arithmetic
 * per cache line fills that window, too few to cover the memory's latency, and the hardware prefetchers do not make
 * up for it. The single-token row-group kernels therefore ask for their next step's bytes at the start of each step
 * ({@link Q4_KRowGroups}, {@link Q6_KRowGroups}, {@link Q8_0RowGroups}; not {@link RowGroups#dot2}, which prompts
 * take over groups in the cache). On the 2-core Zen 5, TinyLlama generation in one process alternating every 32
 * tokens: Q4_K_M 44-45 tokens/s against 25, Q8_0 37.8 against 33.9 (docs/perf.md). On the 16-core Xeon, whose
 * cores each stream less, Q8_0 gained 10-15 % and Q4_K_M lost about 4 %. Fetching a whole row group ahead at once
 * instead gained less for Q4_K and cost Q8_0 a quarter. F16 rows converted by the loop (Intel's choice,
 * {@link HalfConversion#toFloats}) ask for the bytes 4 KB ahead every 2 KB: the Xeon's F16 generation gained 6-15 %.
 *
 * <p>Java has no prefetch. On Linux x86-64 this class writes a 21-byte function into a page of its own, makes the
 * page read-and-execute only, and calls it as a critical downcall (no thread state change: a few nanoseconds). A
 * prefetch never faults and changes no memory, so a wrong address costs bandwidth only. Elsewhere, without native
 * access, or with {@value #PROPERTY}{@code =false} (for comparisons), {@link #range} does nothing.
 */
public final class Prefetch {

    public static final String PROPERTY = "hearth.cpu.prefetch";

    /**
     * {@code void prefetch(long address, long bytes)}, System V x86-64 (address in rdi, bytes in rsi): a
     * {@code prefetcht0} for every 64 bytes from the address until the end.
     */
    static final byte[] X86_64 = {
            0x48, (byte) 0x85, (byte) 0xf6,             //  0: test rsi, rsi
            0x7e, 0x0f,                                 //  3: jle 20 (nothing to fetch)
            0x48, 0x01, (byte) 0xfe,                    //  5: add rsi, rdi (rsi = end)
            0x0f, 0x18, 0x0f,                           //  8: prefetcht0 [rdi]
            0x48, (byte) 0x83, (byte) 0xc7, 0x40,       // 11: add rdi, 64
            0x48, 0x39, (byte) 0xf7,                    // 15: cmp rdi, rsi
            0x72, (byte) 0xf4,                          // 18: jb 8
            (byte) 0xc3,                                // 20: ret
    };

    private static final long PAGE = 4096;

    /** The generated function, null where there is none. */
    private static final MethodHandle FETCH = enabled() ? generate() : null;

    private Prefetch() {
    }

    /** Whether {@link #range} issues prefetches here. */
    public static boolean active() {
        return FETCH != null;
    }

    /**
     * Asks the core to bring {@code bytes} of {@code segment} from {@code offset} into its caches, clipped to the
     * segment; does nothing for heap segments.
     */
    public static void range(MemorySegment segment, long offset, long bytes) {
        if (FETCH != null) call(FETCH, segment, offset, bytes);
    }

    /** Calls {@code function}, of {@link #X86_64}'s signature, on the part of the range inside a native segment. */
    static void call(MethodHandle function, MemorySegment segment, long offset, long bytes) {
        if (!segment.isNative()) return;
        long end = Math.min(offset + bytes, segment.byteSize());
        if (offset < 0 || end <= offset) return;
        try {
            function.invokeExact(segment.address() + offset, end - offset);
        } catch (Throwable e) {
            throw new IllegalStateException("prefetch", e);
        }
    }

    private static boolean enabled() {
        String arch = System.getProperty("os.arch", "");
        return Boolean.parseBoolean(System.getProperty(PROPERTY, "true").trim()) && Libc.available()
                && (arch.equals("amd64") || arch.equals("x86_64"));
    }

    /** The function in a page written once and then made executable and read-only; null if the system refuses. */
    private static MethodHandle generate() {
        try {
            return function(X86_64);
        } catch (RuntimeException e) { // a failed call: no prefetches rather than no engine
            return null;
        }
    }

    /**
     * x86-64 {@code code} taking two longs as a callable function, in a page that stays mapped for the life of the
     * process (one a process); null where the system refuses executable pages.
     */
    static MethodHandle function(byte[] code) {
        MemorySegment page = Libc.mapAnonymous(PAGE, Libc.PROT_READ | Libc.PROT_WRITE);
        if (page.equals(MemorySegment.NULL)) return null;
        page = page.reinterpret(PAGE);
        MemorySegment.copy(MemorySegment.ofArray(code), 0, page, 0, code.length);
        if (!Libc.protect(page, PAGE, Libc.PROT_READ | Libc.PROT_EXEC)) {
            Libc.unmap(page, PAGE);
            return null;
        }
        return Linker.nativeLinker().downcallHandle(page, FunctionDescriptor.ofVoid(JAVA_LONG, JAVA_LONG),
                Linker.Option.critical(false));
    }
}
