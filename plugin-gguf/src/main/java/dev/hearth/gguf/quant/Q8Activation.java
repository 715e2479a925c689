package dev.hearth.gguf.quant;

/**
 * An activation vector quantized to 8 bits in Q8_0 or Q8_K form, in reusable heap buffers.
 *
 * <p>Element {@code i} stands for {@code scales[i / blockSize] * quants[i]}. {@code sums} holds the sum of
 * the quants of every 32 elements for Q8_0 (what ggml's Q8_1 carries, used by Q4_1/Q5_1) and of every 16
 * elements for Q8_K ({@code bsums}). Q8_0 scales are rounded to F16, as {@code block_q8_0.d} stores them.
 *
 * <p>One instance is filled by one thread ({@link #quantizeQ8_0}, {@link #quantizeQ8_K}), then may be read by
 * many threads at once. The arrays are exposed for kernels; callers must not modify them.
 */
public final class Q8Activation {

    private final byte[] quants;
    private final float[] scales;
    private final int[] sums;
    /** {@code quants[2j]} and {@code quants[2j+1]} as shorts: the even and odd bytes of each 16-bit lane. */
    private final short[] evens;
    private final short[] odds;
    /** Q8_K only: {@link #evens} and {@link #odds} regrouped for 512-bit Q4_K steps ({@link #wideEvens}). */
    private final short[] wideEvens;
    /** Which 16-short quarter of a 64-short group each quarter of {@link #wideEvens} takes. */
    private static final int[] WIDE_ORDER = {0, 2, 1, 3};
    private final short[] wideOdds;
    /** The quants as floats in lane order ({@link #laneFloats}). */
    private final float[] laneFloats;
    /** Q8_K only: per super-block the 8 sums of 32 quants in pair order ({@link #pairSums}). */
    private final int[] pairSums;
    private ActivationFormat format;
    private int length;

    /** Buffers for vectors of up to {@code capacity} elements (rounded up to a whole Q8_K block). */
    public Q8Activation(int capacity) {
        if (capacity < 0) {
            throw new IllegalArgumentException("capacity " + capacity);
        }
        int rounded = (capacity + Q8_KKernels.QK_K - 1) / Q8_KKernels.QK_K * Q8_KKernels.QK_K;
        this.quants = new byte[rounded];
        this.scales = new float[rounded / 32];
        this.sums = new int[rounded / 16];
        this.evens = new short[rounded / 2];
        this.odds = new short[rounded / 2];
        this.wideEvens = new short[rounded / 2];
        this.wideOdds = new short[rounded / 2];
        this.laneFloats = new float[rounded];
        this.pairSums = new int[rounded / 32];
        this.format = null;
        this.length = 0;
    }

    /** The format last quantized to, or null when empty. */
    public ActivationFormat format() {
        return format;
    }

    /** Number of elements last quantized. */
    public int length() {
        return length;
    }

    /** Capacity in elements. */
    public int capacity() {
        return quants.length;
    }

    /** The int8 quants, {@code length()} valid. */
    public byte[] quants() {
        return quants;
    }

    /** One scale per block. */
    public float[] scales() {
        return scales;
    }

    /** Quant sums: per 32 elements (Q8_0) or per 16 (Q8_K). */
    public int[] sums() {
        return sums;
    }

    /**
     * Quantizes {@code x[off, off + n)} to Q8_0 ({@code quantize_row_q8_0}): per block of 32,
     * {@code d = max|x| / 127}, {@code q = round(x * (127 / max|x|))} rounded half to even. The multiplier is
     * {@code 127 / max|x|} rather than {@code 1 / d}, as ggml's x86 code computes it: the two differ in the last
     * bit now and then, which flips a quant exactly at a rounding tie or near one. The quants lie in [-127, 127].
     */
    public static void quantizeQ8_0(float[] x, int off, int n, Q8Activation out) {
        out.prepare(ActivationFormat.Q8_0, n);
        java.util.Objects.checkFromIndexSize(off, n, x.length);
        for (int b = 0; b < n / 32; b++) {
            int base = off + 32 * b;
            float amax = 0f;
            for (int j = 0; j < 32; j++) {
                amax = Math.max(amax, Math.abs(x[base + j]));
            }
            float d = amax / 127f;
            float id = amax != 0f ? 127f / amax : 0f;
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                int q = (int) Math.rint(x[base + j] * id);
                out.quants[32 * b + j] = (byte) q;
                sum += q;
            }
            out.scales[b] = Bytes.roundToF16(d);
            out.sums[b] = sum;
        }
        out.split(n);
        out.fillLaneFloats(n);
    }

    /**
     * Quantizes {@code x[off, off + n)} to Q8_K ({@code quantize_row_q8_K_ref}): per block of 256, the element
     * of largest magnitude {@code max} maps to -127, {@code q = min(127, rint(-127 x / max))},
     * {@code d = -max / 127}, and the sums of every 16 quants.
     */
    public static void quantizeQ8_K(float[] x, int off, int n, Q8Activation out) {
        out.prepare(ActivationFormat.Q8_K, n);
        java.util.Objects.checkFromIndexSize(off, n, x.length);
        for (int b = 0; b < n / 256; b++) {
            int base = off + 256 * b;
            float max = 0f;
            float amax = 0f;
            for (int j = 0; j < 256; j++) {
                float ax = Math.abs(x[base + j]);
                if (ax > amax) {
                    amax = ax;
                    max = x[base + j];
                }
            }
            if (amax == 0f) {
                java.util.Arrays.fill(out.quants, 256 * b, 256 * b + 256, (byte) 0);
                java.util.Arrays.fill(out.sums, 16 * b, 16 * b + 16, 0);
                out.scales[b] = 0f;
                continue;
            }
            float iscale = -127f / max;
            for (int j = 0; j < 256; j++) {
                out.quants[256 * b + j] = (byte) Math.min(127, (int) Math.rint(iscale * x[base + j]));
            }
            for (int g = 0; g < 16; g++) {
                int sum = 0;
                for (int j = 0; j < 16; j++) {
                    sum += out.quants[256 * b + 16 * g + j];
                }
                out.sums[16 * b + g] = sum;
            }
            out.scales[b] = 1f / iscale;
        }
        out.split(n);
        out.fillLaneFloats(n);
        out.fillKForms(n);
    }

    /**
     * The quants at even positions, widened to shorts ({@code evens()[j] == quants()[2j]}), for the kernels that
     * sum in ggml's lane order ({@link GgmlLanes}); filled by both quantizers.
     */
    short[] evens() {
        return evens;
    }

    /** The quants at odd positions, widened to shorts ({@code odds()[j] == quants()[2j+1]}). */
    short[] odds() {
        return odds;
    }

    /** Fills {@link #evens} and {@link #odds} for the first {@code n} quants. */
    private void split(int n) {
        for (int j = 0; j < n / 2; j++) {
            evens[j] = quants[2 * j];
            odds[j] = quants[2 * j + 1];
        }
    }

    /**
     * The quants as floats, permuted within each run of 32 into lane order: float {@code 8t + k} of a run is quant
     * {@code 4k + t}, so that lane {@code k} of every 8-float vector belongs to ggml lane {@code k}
     * ({@link GgmlLanes}); the unpacked-row kernels ({@link UnpackedRow}) multiply in this order.
     */
    float[] laneFloats() {
        return laneFloats;
    }

    /**
     * Per super-block the sums of 32 consecutive quants (sub-blocks {@code j = 0..7}) in the order
     * {@code j = 0, 2, 4, 6, 1, 3, 5, 7}: Q4_K's min term per lane pair ({@link UnpackedRow}).
     */
    int[] pairSums() {
        return pairSums;
    }

    /**
     * {@link #evens} regrouped per 64 shorts (128 quants) as {@code [0, 16) [32, 48) [16, 32) [48, 64)}: one 512-bit
     * Q4_K step covers two 32-byte chunks, whose low nibbles are quants {@code [0, 32)} and {@code [64, 96)} of the
     * group and high nibbles {@code [32, 64)} and {@code [96, 128)} ({@link Q4_KKernels#dotVector512}).
     */
    short[] wideEvens() {
        return wideEvens;
    }

    /** {@link #odds} regrouped as {@link #wideEvens}. */
    short[] wideOdds() {
        return wideOdds;
    }

    /** Fills {@link #laneFloats} for the first {@code n} quants (a multiple of 32). */
    private void fillLaneFloats(int n) {
        for (int at = 0; at < n; at += 32) {
            for (int t = 0; t < 4; t++) {
                for (int k = 0; k < 8; k++) {
                    laneFloats[at + 8 * t + k] = quants[at + 4 * k + t];
                }
            }
        }
    }

    /** Fills {@link #pairSums} and the wide halves for the first {@code n} Q8_K quants. */
    private void fillKForms(int n) {
        for (int j = 0; j < n / 2; j++) {
            int from = (j & ~63) | (WIDE_ORDER[(j >> 4) & 3] << 4) | (j & 15);
            wideEvens[j] = evens[from];
            wideOdds[j] = odds[from];
        }
        for (int b = 0; b < n / 256; b++) {
            for (int g = 0; g < 8; g++) {
                pairSums[8 * b + (g >> 1) + 4 * (g & 1)] = sums[16 * b + 2 * g] + sums[16 * b + 2 * g + 1];
            }
        }
    }

    /** Dequantizes element {@code i} (for tests and debugging). */
    public float get(int i) {
        java.util.Objects.checkIndex(i, length);
        return scales[i / format.blockSize()] * quants[i];
    }

    /** Throws unless this holds {@code n} elements in {@code expected} form. */
    void require(ActivationFormat expected, int n) {
        if (format != expected || length != n) {
            throw new IllegalStateException("activation holds " + length + " elements as " + format
                    + ", kernel wants " + n + " as " + expected);
        }
    }

    private void prepare(ActivationFormat f, int n) {
        if (n < 0 || n % f.blockSize() != 0) {
            throw new IllegalArgumentException(f + ": length " + n + " is not a multiple of " + f.blockSize());
        }
        if (n > quants.length) {
            throw new IllegalArgumentException("length " + n + " exceeds capacity " + quants.length);
        }
        this.format = f;
        this.length = n;
    }
}
