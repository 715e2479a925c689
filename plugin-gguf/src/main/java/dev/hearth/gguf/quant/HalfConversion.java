package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;

/**
 * How F16 rows become floats in the single-token product ({@link F16Kernels#dotVector}); both ways give the same
 * floats, so only the speed differs, and by core (prompt batches always take the loop: {@link FloatRowKernels#unpack}):
 *
 * <ul>
 *   <li>Intel cores with AVX-512: a plain loop of {@link Float#float16ToFloat} over the mapped halves, which C2
 *       compiles to {@code vcvtph2ps} (16 halves an instruction). On the 16-core Xeon (Emerald Rapids class,
 *       2026-11-26) F16 tg128 27.7 against 23.3 t/s, with the halves first copied into an array; reading them
 *       straight from the mapping (2026-11-27) left that copy and one of the two thread-local lookups a row out:
 *       conversion 49 % of a generation's samples against 56 %.</li>
 *   <li>Elsewhere: the Vector API's integer steps of {@link F16Kernels#toFloat}, fed straight from the mapped row.
 *       On AMD Zen 4 (2-core EPYC) the loop was 0.65x as fast (tg32 7.2 against 10.7 t/s): its stores and reloads
 *       cost more there than the eight vector steps they replace.</li>
 * </ul>
 *
 * The system property {@value #PROPERTY} ({@code loop} or {@code vector}) overrides the choice, logged once.
 */
final class HalfConversion {

    static final String PROPERTY = "hearth.f16.convert";

    /** Whether F16 rows take the conversion loop in this process. */
    static final boolean LOOP = choose();

    /** Per thread: a row's floats. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private HalfConversion() {
    }

    private static final class Scratch {
        float[] floats = new float[0];
    }

    private static boolean choose() {
        String property = System.getProperty(PROPERTY);
        boolean loop = loop(property, CpuInfo.VENDOR, CpuInfo.FLAGS);
        System.getLogger("dev.hearth.gguf").log(System.Logger.Level.INFO, "gguf-cpu F16 rows: "
                + (loop ? "conversion loop" : "vector steps") + " (" + CpuInfo.reason(PROPERTY, property) + ")");
        return loop;
    }

    /** The choice for a property value (null or blank: none) and the CPU's {@code vendor_id} and {@code flags}. */
    static boolean loop(String property, String vendor, String flags) {
        return CpuInfo.choice(PROPERTY, property, "loop", "vector", CpuInfo.intelAvx512(vendor, flags));
    }

    /**
     * The {@code n} halves at {@code w + offset} as floats, in this thread's scratch array (valid until its next
     * call on this thread).
     */
    static float[] toFloats(MemorySegment w, long offset, int n) {
        Scratch s = SCRATCH.get();
        if (s.floats.length < n) s.floats = new float[n];
        convert(w, offset, n, s.floats);
        return s.floats;
    }

    /** Writes the {@code n} halves at {@code w + offset} as floats to {@code dst[0, n)}, by the loop. */
    static void convert(MemorySegment w, long offset, int n, float[] dst) {
        for (int i = 0; i < n; i++) dst[i] = Float.float16ToFloat(w.get(Bytes.SHORT_LE, offset + 2L * i));
    }
}
