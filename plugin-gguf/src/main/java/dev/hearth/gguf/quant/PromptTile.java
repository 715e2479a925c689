package dev.hearth.gguf.quant;

/**
 * Which prompt tile {@link UnpackedKernels#accumulate4x4} takes for K-quant rows: 256-bit steps, or 512-bit
 * steps. Both give the same floats to the bit; only the speed differs, and by core:
 *
 * <ul>
 *   <li>Intel cores with AVX-512: 512 bits. Measured on a 16-core Xeon (Emerald Rapids class, 2026-11-26): pp512
 *       Q4_K_M +11%.</li>
 *   <li>AMD Zen 4 (its 512-bit multiply-adds take both 256-bit units, so only the extra per-block reduction of the
 *       halves shows): 256 bits. Measured on a 2-core EPYC: the 512-bit tile 10-15% slower in JMH
 *       {@code MatMulBench}, batch 32. Any other vendor likewise, until measured.</li>
 * </ul>
 *
 * The system property {@value #BITS_PROPERTY} ({@code 256} or {@code 512}) overrides the choice; 512 needs
 * {@link GgmlLanes#WIDE}. The choice is logged once, in one line.
 */
final class PromptTile {

    /** System property overriding the choice: {@code 256} or {@code 512}. */
    static final String BITS_PROPERTY = "hearth.tile.bits";

    /** Whether K-quant rows take the 512-bit tile in this process. */
    static final boolean WIDE = choose();

    private PromptTile() {
    }

    private static boolean choose() {
        String property = System.getProperty(BITS_PROPERTY);
        boolean wide = wide(property, GgmlLanes.WIDE, CpuInfo.VENDOR, CpuInfo.FLAGS);
        System.getLogger("dev.hearth.gguf").log(System.Logger.Level.INFO, "gguf-cpu prompt tile: " + (wide ? 512 : 256)
                + " bits (" + CpuInfo.reason(BITS_PROPERTY, property) + ")");
        return wide;
    }

    /**
     * The choice for a property value (null or blank: none), whether 512-bit vectors run here, and the CPU's
     * {@code vendor_id} and {@code flags} from /proc/cpuinfo (empty where unknown).
     */
    static boolean wide(String property, boolean wideVectors, String vendor, String flags) {
        if (property != null && !property.isBlank()) {
            return switch (property.trim()) {
                case "512" -> wideVectors;
                case "256" -> false;
                default -> throw new IllegalArgumentException(BITS_PROPERTY + "=" + property + ": expected 256 or 512");
            };
        }
        return wideVectors && CpuInfo.intelAvx512(vendor, flags);
    }
}
