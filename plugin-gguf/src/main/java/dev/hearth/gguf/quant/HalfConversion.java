package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;

/**
 * How F16 rows become floats in the single-token product; every way gives the same floats and products, so only the
 * speed differs, and by core (prompt batches always take the loop: {@link FloatRowKernels#unpack}):
 *
 * <ul>
 *   <li>Rows of a matrix with no infinity or NaN among its halves (the engine scans each F16 matrix once at load):
 *       the halves' bits moved into floats in three integer steps, the activations scaled to match
 *       ({@link F16Kernels#dotScaled}). The 2-core Zen 5 workstation's F16 generation went from 14.96 to 18.83
 *       tokens/s against the vector steps below (2026-11-28).</li>
 *   <li>Other rows, on Intel cores with AVX-512: a plain loop of {@link Float#float16ToFloat} over the mapped
 *       halves, which C2 compiles to {@code vcvtph2ps} (16 halves an instruction). On the 16-core Xeon (Emerald
 *       Rapids class, 2026-11-26) F16 tg128 27.7 against 23.3 t/s, with the halves first copied into an array;
 *       reading them straight from the mapping (2026-11-27) left that copy and one of the two thread-local lookups a
 *       row out: conversion 49 % of a generation's samples against 56 %.</li>
 *   <li>Other rows elsewhere: the Vector API's integer steps of {@link F16Kernels#toFloat}, fed straight from the
 *       mapped row. On AMD Zen 4 (2-core EPYC) the loop was 0.65x as fast (tg32 7.2 against 10.7 t/s): its stores
 *       and reloads cost more there than the eight vector steps they replace.</li>
 * </ul>
 *
 * The system property {@value #PROPERTY} ({@code scaled}, the default, or {@code loop} or {@code vector} for every
 * row) overrides the choice, logged once.
 */
final class HalfConversion {

    static final String PROPERTY = "hearth.f16.convert";

    /** Whether rows whose halves are all finite take {@link F16Kernels#dotScaled} in this process. */
    static final boolean SCALED;

    /** Whether the other F16 rows take the conversion loop in this process. */
    static final boolean LOOP;

    static {
        String property = System.getProperty(PROPERTY);
        SCALED = scaled(property);
        LOOP = loop(property, CpuInfo.VENDOR, CpuInfo.FLAGS);
        String other = LOOP ? "conversion loop" : "vector steps";
        System.getLogger("dev.hearth.gguf").log(System.Logger.Level.INFO, "gguf-cpu F16 rows: "
                + (SCALED ? "halves scaled where all are finite, else " + other : other)
                + " (" + CpuInfo.reason(PROPERTY, property) + ")");
    }

    /** Per thread: a row's floats. */
    private static final ThreadLocal<Scratch> SCRATCH = ThreadLocal.withInitial(Scratch::new);

    private HalfConversion() {
    }

    private static final class Scratch {
        float[] floats = new float[0];
    }

    /** Whether a property value (null or blank: none) leaves finite rows to {@link F16Kernels#dotScaled}. */
    static boolean scaled(String property) {
        return property == null || property.isBlank() || property.trim().equals("scaled");
    }

    /**
     * Whether the rows {@link #scaled} leaves take the loop, for a property value and the CPU's {@code vendor_id} and
     * {@code flags}.
     */
    static boolean loop(String property, String vendor, String flags) {
        boolean otherwise = CpuInfo.intelAvx512(vendor, flags);
        if (scaled(property)) return otherwise;
        return switch (property.trim()) {
            case "loop" -> true;
            case "vector" -> false;
            default -> throw new IllegalArgumentException(
                    PROPERTY + "=" + property + ": expected scaled, loop or vector");
        };
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
