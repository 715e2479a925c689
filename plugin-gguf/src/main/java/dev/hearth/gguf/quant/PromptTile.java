package dev.hearth.gguf.quant;

/**
 * Which prompt tiles this CPU takes: for K-quant rows ({@link UnpackedKernels#accumulate4x4}) 256-bit or 512-bit
 * steps, and for float rows ({@link FloatRowKernels#dotTiles}) 4 or 6 tokens a tile. Each choice gives the same
 * floats to the bit; only the speed differs, and by core:
 *
 * <ul>
 *   <li>Intel cores with AVX-512: 512 bits and 6 tokens. Measured on a 16-core Xeon (Emerald Rapids class): pp512
 *       Q4_K_M +11% (2026-11-26); F16 311-312 against 276-302 tokens/s (2026-11-27).</li>
 *   <li>AMD Zen 4 (its 512-bit multiply-adds take both 256-bit units, so the tiles are bound by the multiply-adds,
 *       not the loads): 256 bits and 4 tokens. Measured on a 2-core EPYC: the 512-bit tile 10-15% slower in JMH
 *       {@code MatMulBench}, batch 32; 6 tokens 5% slower in F16 pp512 (50.0 against 52.6 tokens/s). Any other
 *       vendor likewise, until measured.</li>
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
    /** Tokens a float row tile takes in this process. */
    static final int FLOAT_TOKENS = floatTokens(WIDE);

    private PromptTile() {
    }

    private static boolean choose() {
        String property = System.getProperty(BITS_PROPERTY);
        boolean wide = wide(property, GgmlLanes.WIDE, CpuInfo.VENDOR, CpuInfo.FLAGS);
        System.getLogger("dev.hearth.gguf").log(System.Logger.Level.INFO, "gguf-cpu prompt tiles: " + (wide ? 512 : 256)
                + " bits, float rows " + floatTokens(wide) + " tokens ("
                + CpuInfo.reason(BITS_PROPERTY, property) + ")");
        return wide;
    }

    private static int floatTokens(boolean wide) {
        return wide ? 6 : 4;
    }

    /**
     * The choice for a property value (null or blank: none), whether 512-bit vectors run here, and the CPU's
     * {@code vendor_id} and {@code flags} from /proc/cpuinfo (empty where unknown).
     */
    static boolean wide(String property, boolean wideVectors, String vendor, String flags) {
        // the property is checked first, so a wrong value is an error on every CPU
        return CpuInfo.choice(BITS_PROPERTY, property, "512", "256", CpuInfo.intelAvx512(vendor, flags)) && wideVectors;
    }
}
