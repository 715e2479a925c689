package dev.hearth.gguf.engine;

import java.lang.foreign.Arena;

import dev.hearth.gguf.llama.LlamaWeights;

/**
 * Whether the CPU engine repacks Q4_K, Q6_K and Q8_0 matrices in row groups at load
 * ({@link WeightMatrix#withRowGroups}): on by default where the CPU has 512-bit vectors; the system property
 * {@value #PROPERTY}{@code =false} turns it off (the mapped rows only, as before, for comparisons).
 */
public final class CpuRepack {

    static final String PROPERTY = "hearth.cpu.row-groups";

    private CpuRepack() {
    }

    /** {@code weights} with layers {@code firstLayer ..} and the head repacked in {@code arena}, unless turned off. */
    public static LlamaWeights apply(LlamaWeights weights, Arena arena, WorkerPool pool, int firstLayer) {
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true").trim())) return weights;
        long start = System.nanoTime();
        LlamaWeights grouped;
        try {
            grouped = weights.withRowGroups(arena, pool, firstLayer);
        } catch (OutOfMemoryError e) {
            System.getLogger("dev.hearth.gguf").log(System.Logger.Level.WARNING,
                    "gguf-cpu: no memory for row groups (" + e.getMessage() + "); products read the mapped rows");
            return weights;
        }
        long bytes = grouped.rowGroupBytes();
        if (bytes > 0) {
            System.getLogger("dev.hearth.gguf").log(System.Logger.Level.INFO, String.format(
                    "gguf-cpu: rows repacked in groups of 16: %.1f MB in %d ms (%s=false turns it off)",
                    bytes / 1e6, (System.nanoTime() - start) / 1_000_000, PROPERTY));
        }
        return grouped;
    }
}
