package dev.hearth.gguf.engine;

import java.lang.foreign.Arena;

import dev.hearth.gguf.llama.LlamaWeights;
import dev.hearth.gguf.quant.CpuInfo;
import dev.hearth.gguf.quant.F16Kernels;
import dev.hearth.gguf.quant.Prefetch;

/**
 * What the CPU engine prepares of the weights at load. Where F16 matrices free of infinities and NaNs take a faster
 * product ({@link F16Kernels#scalesFiniteRows}), each F16 matrix is scanned once for them
 * ({@link LlamaWeights#withHalvesChecked}). Then it repacks ({@link LlamaWeights#repacked}), into memory of its own
 * on huge pages ({@link HugePages}):
 *
 * <ul>
 *   <li>Q4_K, Q6_K and Q8_0 matrices in row groups, where the CPU has 512-bit vectors. The system property
 *       {@value #PROPERTY}{@code =false} turns all repacking off (the mapped rows only, as before, for
 *       comparisons).</li>
 *   <li>Every other matrix copied as it is, on AMD cores where huge pages are offered. A core streams a matrix in 4
 *       KiB pages of the mapped file, and its prefetchers stop at each page's end; on 2 MiB pages they run on. On the
 *       2-core Zen 5 workstation F16 tg32 rose from 11.4-12.0 to 15.9-16.0 tokens/s; on the 16-core Xeon, whose
 *       cores together saturate the memory anyway, it fell by 6 % (docs/perf.md, 2026-11-27). The system property
 *       {@value #COPY_PROPERTY} ({@code true} or {@code false}) overrides the choice.</li>
 * </ul>
 */
public final class CpuRepack {

    static final String PROPERTY = "hearth.cpu.row-groups";
    static final String COPY_PROPERTY = "hearth.cpu.copy-rows";

    private CpuRepack() {
    }

    /**
     * {@code loaded} with layers {@code firstLayer ..} and the head checked for finite halves and repacked in
     * {@code arena}, unless repacking is turned off.
     */
    public static LlamaWeights apply(LlamaWeights loaded, Arena arena, WorkerPool pool, int firstLayer) {
        LlamaWeights weights = loaded.withHalvesChecked(pool, firstLayer);
        if (!Boolean.parseBoolean(System.getProperty(PROPERTY, "true").trim())) return weights;
        boolean copyRows = copyRows(System.getProperty(COPY_PROPERTY), CpuInfo.vendor(), HugePages.offered());
        long start = System.nanoTime();
        LlamaWeights repacked;
        try {
            repacked = weights.repacked(arena, pool, firstLayer, copyRows);
        } catch (OutOfMemoryError e) {
            System.getLogger("dev.hearth.gguf").log(System.Logger.Level.WARNING,
                    "gguf-cpu: no memory to repack the weights (" + e.getMessage()
                            + "); products read the mapped rows");
            return weights;
        }
        long grouped = repacked.rowGroupBytes();
        long copied = repacked.copiedRowBytes();
        if (grouped + copied > 0) {
            System.getLogger("dev.hearth.gguf").log(System.Logger.Level.INFO, String.format(
                    "gguf-cpu: rows repacked in groups of 16: %.1f MB, copied as they are: %.1f MB, in %d ms"
                            + " (%s=false turns both off, %s=false the copies); the groups' kernels prefetch: %s (%s)",
                    grouped / 1e6, copied / 1e6, (System.nanoTime() - start) / 1_000_000, PROPERTY, COPY_PROPERTY,
                    Prefetch.active() ? "yes" : "no", Prefetch.PROPERTY));
        }
        return repacked;
    }

    /**
     * Whether matrices that are not grouped are copied, for a {@value #COPY_PROPERTY} value (null or blank: none),
     * the CPU's {@code vendor_id} and whether huge pages are offered.
     */
    static boolean copyRows(String property, String vendor, boolean hugePages) {
        return CpuInfo.choice(COPY_PROPERTY, property, "true", "false", hugePages && "AuthenticAMD".equals(vendor));
    }
}
