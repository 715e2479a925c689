package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;

/**
 * How F16 rows become floats in the single-token product; every way gives the same floats and products, so only the
 * speed differs, and by core (prompt batches always take the loop: {@link FloatRowKernels#unpack}):
 *
 * <ul>
 *   <li>Intel cores with AVX-512: a plain loop of {@link Float#float16ToFloat} over the mapped halves, which C2
 *       compiles to {@code vcvtph2ps} (16 halves an instruction). On the 16-core Xeon (Emerald Rapids class,
 *       2026-11-26) F16 tg128 27.7 against 23.3 t/s, with the halves first copied into an array; reading them
 *       straight from the mapping (2026-11-27) left that copy and one of the two thread-local lookups a row out:
 *       conversion 49 % of a generation's samples against 56 %. The scaled halves below took 29.5-30.3 t/s there
 *       against the loop's 35.9-36.4 (2026-11-28).</li>
 *   <li>Elsewhere, rows of a matrix with no infinity or NaN among its halves (the engine scans each F16 matrix once
 *       at load): the halves' bits moved into floats in three integer steps, the activations scaled to match
 *       ({@link F16Kernels#dotScaled}). On the 2-core Zen 5 workstation F16 tg128 17.9 and 14.9 t/s against 11.7 and
 *       9.9 with the vector steps below, in alternating runs (2026-11-28).</li>
 *   <li>Elsewhere, other rows: the Vector API's integer steps of {@link F16Kernels#toFloat}, fed straight from the
 *       mapped row. On AMD Zen 4 (2-core EPYC) the loop was 0.65x as fast (tg32 7.2 against 10.7 t/s): its stores
 *       and reloads cost more there than the eight vector steps they replace.</li>
 * </ul>
 *
 * The system property {@value #PROPERTY} ({@code scaled}: the scaled halves where all are finite, else the CPU's
 * choice; {@code loop} or {@code vector} for every row) overrides the choice, logged once.
 */
final class HalfConversion {

    static final String PROPERTY = "hearth.f16.convert";

    /** Whether rows whose halves are all finite take {@link F16Kernels#dotScaled} in this process. */
    static final boolean SCALED;

    /** Whether the other F16 rows take the conversion loop in this process. */
    static final boolean LOOP;

    static {
        String property = System.getProperty(PROPERTY);
        SCALED = scaled(property, CpuInfo.VENDOR, CpuInfo.FLAGS);
        LOOP = loop(property, CpuInfo.VENDOR, CpuInfo.FLAGS);
        String other = LOOP ? "conversion loop" : "vector steps";
        System.getLogger("dev.hearth.gguf").log(System.Logger.Level.INFO, "gguf-cpu F16 rows: "
                + (SCALED ? "halves scaled where all are finite, else " + other : other)
                + " (" + CpuInfo.reason(PROPERTY, property) + ")");
    }

    /** Halves {@link #toFloats} converts between two prefetches (2 KB). */
    private static final int CHUNK = 1024;

    /** How far ahead of the halves it converts {@link #toFloats} asks for the next ones, in bytes. */
    private static final int PREFETCH_AHEAD = 4096;

    /** Per thread: a row's floats. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private HalfConversion() {
    }

    private static final class Scratch {
        float[] floats = new float[0];
    }

    /**
     * Whether rows of finite halves take {@link F16Kernels#dotScaled}, for a property value (null or blank: none) and
     * the CPU's {@code vendor_id} and {@code flags}.
     */
    static boolean scaled(String property, String vendor, String flags) {
        if (property == null || property.isBlank()) return !CpuInfo.intelAvx512(vendor, flags);
        return way(property).equals("scaled");
    }

    /** Whether the rows {@link #scaled} leaves take the loop, for the same. */
    static boolean loop(String property, String vendor, String flags) {
        if (property == null || property.isBlank()) return CpuInfo.intelAvx512(vendor, flags);
        return switch (way(property)) {
            case "loop" -> true;
            case "vector" -> false;
            default -> CpuInfo.intelAvx512(vendor, flags);
        };
    }

    /** A property value trimmed, one of the three ways or an error naming them. */
    private static String way(String property) {
        String v = property.trim();
        if (v.equals("scaled") || v.equals("loop") || v.equals("vector")) return v;
        throw new IllegalArgumentException(PROPERTY + "=" + property + ": expected scaled, loop or vector");
    }

    /**
     * The {@code n} halves at {@code w + offset} as floats, in this thread's scratch array (valid until its next
     * call on this thread), converted {@value #CHUNK} at a time, each chunk first asking for as many bytes
     * {@value #PREFETCH_AHEAD} bytes further on ({@link Prefetch}): the next row's while this one converts. On the
     * 16-core Xeon F16 tg128 31.84 and 33.61 t/s against 27.79 and 31.83 without (llama.cpp 28.30 and 29.78); 2 KB
     * ahead, or chunks of 4 KB, were slower (2026-11-28, docs/perf.md).
     */
    static float[] toFloats(MemorySegment w, long offset, int n) {
        Scratch s = SCRATCH.get();
        if (s.floats.length < n) s.floats = new float[n];
        for (int i = 0; i < n; i += CHUNK) {
            int m = Math.min(CHUNK, n - i);
            Prefetch.range(w, offset + 2L * i + PREFETCH_AHEAD, 2L * m);
            convert(w, offset + 2L * i, m, s.floats, i);
        }
        return s.floats;
    }

    /** Writes the {@code n} halves at {@code w + offset} as floats to {@code dst} from {@code dstOffset} (the loop). */
    static void convert(MemorySegment w, long offset, int n, float[] dst, int dstOffset) {
        for (int i = 0; i < n; i++) {
            dst[dstOffset + i] = Float.float16ToFloat(w.get(Bytes.SHORT_LE, offset + 2L * i));
        }
    }
}
