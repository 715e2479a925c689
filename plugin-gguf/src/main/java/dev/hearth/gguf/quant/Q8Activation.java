package dev.hearth.gguf.quant;

import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorSpecies;

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
    /** The quants (Q8_K) or the elements (Q8_0) as floats in lane order ({@link #laneFloats}). */
    private final float[] laneFloats;
    /** Whether {@link #laneFloats} holds the current quants ({@link #fillLaneFloats}). */
    private boolean laneFloatsReady;
    /** Q8_K only: per super-block the 8 sums of 32 quants in pair order ({@link #pairSums}). */
    private final int[] pairSums;
    /** Quants {@code 2j} and {@code 2j+1} as the low and high 16 bits of int {@code j} ({@link #quantPairs}). */
    private final int[] quantPairs;
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
        this.quantPairs = new int[rounded / 2];
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
     * Takes the vector path where {@link GgmlLanes#VECTOR}, with the same result to the bit.
     */
    public static void quantizeQ8_0(float[] x, int off, int n, Q8Activation out) {
        if (GgmlLanes.VECTOR) {
            quantizeQ8_0Vector(x, off, n, out);
        } else {
            quantizeQ8_0Scalar(x, off, n, out);
        }
    }

    /** The scalar twin of {@link #quantizeQ8_0}: the reference the vector path matches. */
    static void quantizeQ8_0Scalar(float[] x, int off, int n, Q8Activation out) {
        out.prepare(ActivationFormat.Q8_0, n);
        java.util.Objects.checkFromIndexSize(off, n, x.length);
        for (int b = 0; b < n / 32; b++) {
            quantizeQ8_0Block(x, off + 32 * b, b, out);
        }
        out.split(n);
        out.fillQuantPairs(n);
    }

    /** Block {@code b} of {@link #quantizeQ8_0Scalar}, its elements starting at {@code x[base]}. */
    private static void quantizeQ8_0Block(float[] x, int base, int b, Q8Activation out) {
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

    /**
     * Quantizes {@code x[off, off + n)} to Q8_K ({@code quantize_row_q8_K_ref}): per block of 256, the element
     * of largest magnitude {@code max} maps to -127, {@code q = min(127, rint(-127 x / max))},
     * {@code d = -max / 127}, and the sums of every 16 quants. Takes the vector path where
     * {@link GgmlLanes#VECTOR}, with the same result to the bit.
     */
    public static void quantizeQ8_K(float[] x, int off, int n, Q8Activation out) {
        if (GgmlLanes.VECTOR) {
            quantizeQ8_KVector(x, off, n, out);
        } else {
            quantizeQ8_KScalar(x, off, n, out);
        }
    }

    /** The scalar twin of {@link #quantizeQ8_K}: the reference the vector path matches. */
    static void quantizeQ8_KScalar(float[] x, int off, int n, Q8Activation out) {
        out.prepare(ActivationFormat.Q8_K, n);
        java.util.Objects.checkFromIndexSize(off, n, x.length);
        for (int b = 0; b < n / 256; b++) {
            quantizeQ8_KBlock(x, off + 256 * b, b, out);
        }
        out.split(n);
        out.fillKForms(n);
    }

    /** Block {@code b} of {@link #quantizeQ8_KScalar}, its elements starting at {@code x[base]}. */
    private static void quantizeQ8_KBlock(float[] x, int base, int b, Q8Activation out) {
        float max = GgmlQuantizer.largestMagnitude(x, base, 256);
        if (max == 0f) {
            java.util.Arrays.fill(out.quants, 256 * b, 256 * b + 256, (byte) 0);
            java.util.Arrays.fill(out.sums, 16 * b, 16 * b + 16, 0);
            out.scales[b] = 0f;
            return;
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
     * Floats permuted within each run of 32 into lane order, float {@code 8t + k} of a run standing for element
     * {@code 4k + t}: the order in which {@link UnpackedRow} decodes a quantized row (lane {@code k} of the int view of
     * 32 bytes holds bytes {@code 4k .. 4k+3}), so that lane {@code k} of every 8-float vector belongs to ggml lane
     * {@code k} ({@link GgmlLanes}).
     * <ul>
     *   <li>Q8_K: the quants, for the K-quant tiles that sum them exactly ({@link UnpackedKernels});</li>
     *   <li>Q8_0: the elements dequantized ({@code scale * quant}), for the float tiles ({@link FloatRowKernels}).</li>
     * </ul>
     */
    float[] laneFloats() {
        if (!laneFloatsReady) {
            throw new IllegalStateException("lane floats not filled: prepare the activation for unpacked rows");
        }
        return laneFloats;
    }

    /**
     * Fills {@link #laneFloats} from the quants, once per quantization. Only the tiles of {@link UnpackedRow} read
     * them, so a single-token product does not write them: at four bytes a quant they are most of an activation's
     * bytes, and each line written is one that the other cores read in the product before and must give up (in
     * generation the quantizing thread took 12 % of a token on the 16-core Xeon, the pool waiting meanwhile).
     */
    void fillLaneFloats() {
        if (laneFloatsReady) {
            return;
        }
        if (GgmlLanes.VECTOR) {
            fillLaneFloatsVector();
        } else {
            fillLaneFloatsScalar();
        }
    }

    /**
     * Per super-block the sums of 32 consecutive quants (sub-blocks {@code j = 0..7}) in the order
     * {@code j = 0, 2, 4, 6, 1, 3, 5, 7}: Q4_K's min term per lane pair ({@link UnpackedRow}).
     */
    int[] pairSums() {
        return pairSums;
    }

    /**
     * Quants {@code 2j} and {@code 2j+1} as the low and high 16 bits of int {@code j}, so that broadcasting
     * one int gives every 32-bit lane the pair ({@link RowGroups}); filled only where they run.
     */
    int[] quantPairs() {
        return quantPairs;
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

    /** The scalar twin of {@link #fillLaneFloatsVector}. */
    void fillLaneFloatsScalar() {
        for (int at = 0; at < length; at += 32) {
            float scale = laneScale(at);
            for (int t = 0; t < 4; t++) {
                for (int k = 0; k < 8; k++) {
                    laneFloats[at + 8 * t + k] = scale * quants[at + 4 * k + t];
                }
            }
        }
        laneFloatsReady = true;
    }

    /** What {@link #laneFloats} multiplies the quants from {@code at} with: Q8_0 their block's scale, Q8_K 1. */
    private float laneScale(int at) {
        return format == ActivationFormat.Q8_0 ? scales[at / 32] : 1f;
    }

    /** Fills {@link #pairSums} and the wide halves for the first {@code n} Q8_K quants. */
    private void fillKForms(int n) {
        for (int j = 0; j < n / 2; j++) {
            int from = (j & ~63) | (WIDE_ORDER[(j >> 4) & 3] << 4) | (j & 15);
            wideEvens[j] = evens[from];
            wideOdds[j] = odds[from];
        }
        fillQuantPairs(n);
        fillPairSums(n);
    }

    /**
     * Fills {@link #quantPairs} for the first {@code n} quants from {@link #evens} and {@link #odds}; only where
     * the row groups' 512-bit kernels, their only reader, can run ({@link RowGroups#supported}).
     */
    private void fillQuantPairs(int n) {
        if (!RowGroups.supported()) return;
        for (int j = 0; j < n / 2; j++) {
            quantPairs[j] = (evens[j] & 0xFFFF) | odds[j] << 16;
        }
    }

    /** Fills {@link #pairSums} for the first {@code n} Q8_K quants from their {@link #sums}. */
    private void fillPairSums(int n) {
        for (int b = 0; b < n / 256; b++) {
            for (int g = 0; g < 8; g++) {
                pairSums[8 * b + (g >> 1) + 4 * (g & 1)] = sums[16 * b + 2 * g] + sums[16 * b + 2 * g + 1];
            }
        }
    }

    // ---- the vector path -------------------------------------------------------------------------------------

    /** Floats per quantizing step: 16 where {@link GgmlLanes#WIDE}, else 8 (the vector path needs 256 bits). */
    private static final VectorSpecies<Float> STEP_FLOATS =
            GgmlLanes.WIDE ? FloatVector.SPECIES_512 : FloatVector.SPECIES_256;
    private static final VectorSpecies<Integer> STEP_INTS =
            GgmlLanes.WIDE ? IntVector.SPECIES_512 : IntVector.SPECIES_256;
    /** The quants of one step, a byte each. */
    private static final VectorSpecies<Byte> STEP_BYTES =
            GgmlLanes.WIDE ? ByteVector.SPECIES_128 : ByteVector.SPECIES_64;
    /**
     * {@code (v + ROUNDER) - ROUNDER} is {@code Math.rint(v)} for {@code |v| < 2^22}: the sum lands where floats are
     * whole numbers and rounds half to even there (ROUNDER is even). Here {@code |v| <= 127}, and 0 comes out +0.
     */
    private static final float ROUNDER = 0x1.8p23f;
    /**
     * The bits of {@code |x|}, which order as the magnitudes do (infinity is 0x7F800000, NaN above it): their integer
     * maximum is {@code max|x|} without the NaN fix-ups a float maximum compiles to.
     */
    private static final int MAGNITUDE = 0x7FFFFFFF;
    private static final int INFINITY_BITS = 0x7F800000;

    /**
     * The vector path of {@link #quantizeQ8_0}, equal to the scalar twin to the bit: the same float products, rounded
     * by {@link #ROUNDER}, and {@code max|x|} as the integer maximum of the bits of {@code |x|}. Blocks whose
     * {@code max|x|} is infinite or NaN, or so small that {@code 127 / max} overflows, take the scalar block: their
     * products are not all below 2^22, where the rounding trick holds, and which NaN the maximum keeps would show in
     * the scale. Real activations have no such blocks.
     */
    static void quantizeQ8_0Vector(float[] x, int off, int n, Q8Activation out) {
        out.prepare(ActivationFormat.Q8_0, n);
        java.util.Objects.checkFromIndexSize(off, n, x.length);
        int step = STEP_FLOATS.length();
        for (int b = 0; b < n / 32; b++) {
            int base = off + 32 * b;
            int amaxBits = maxMagnitudeBits(x, base, 32);
            float amax = Float.intBitsToFloat(amaxBits);
            float id = amax != 0f ? 127f / amax : 0f;
            if (amaxBits >= INFINITY_BITS || Float.isInfinite(id)) {
                quantizeQ8_0Block(x, base, b, out);
                continue;
            }
            FloatVector scale = FloatVector.broadcast(STEP_FLOATS, id);
            IntVector sum = IntVector.zero(STEP_INTS);
            for (int j = 0; j < 32; j += step) {
                IntVector q = (IntVector) FloatVector.fromArray(STEP_FLOATS, x, base + j).mul(scale)
                        .add(ROUNDER).sub(ROUNDER).convert(VectorOperators.F2I, 0);
                ((ByteVector) q.convertShape(VectorOperators.I2B, STEP_BYTES, 0)).intoArray(out.quants, 32 * b + j);
                sum = sum.add(q);
            }
            out.scales[b] = Bytes.roundToF16(amax / 127f);
            out.sums[b] = sum.reduceLanes(VectorOperators.ADD);
        }
        out.fillFormsVector(n, false);
        out.fillQuantPairs(n);
    }

    /**
     * The vector path of {@link #quantizeQ8_K}, equal to the scalar twin to the bit. After the maximum of the bits of
     * {@code |x|}, a second pass finds the first element of that magnitude, whose sign sets the scale's: of two with
     * opposite signs the first wins, as in the scalar scan. Blocks holding an infinite or NaN element (NaN the scalar
     * scan skips) or whose {@code -127 / max} overflows take the scalar block, as in {@link #quantizeQ8_0Vector}, and
     * so do all-zero blocks.
     */
    static void quantizeQ8_KVector(float[] x, int off, int n, Q8Activation out) {
        out.prepare(ActivationFormat.Q8_K, n);
        java.util.Objects.checkFromIndexSize(off, n, x.length);
        int step = STEP_FLOATS.length();
        for (int b = 0; b < n / 256; b++) {
            int base = off + 256 * b;
            int amaxBits = maxMagnitudeBits(x, base, 256);
            if (amaxBits == 0 || amaxBits >= INFINITY_BITS) { // all zero (rare), or not finite
                quantizeQ8_KBlock(x, base, b, out);
                continue;
            }
            int first = 0;
            for (int j = 0; j < 256; j += step) {
                VectorMask<Integer> hit = FloatVector.fromArray(STEP_FLOATS, x, base + j).reinterpretAsInts()
                        .and(MAGNITUDE).compare(VectorOperators.EQ, amaxBits);
                if (hit.anyTrue()) {
                    first = j + hit.firstTrue();
                    break;
                }
            }
            float iscale = -127f / x[base + first];
            if (Float.isInfinite(iscale)) {
                quantizeQ8_KBlock(x, base, b, out);
                continue;
            }
            FloatVector scale = FloatVector.broadcast(STEP_FLOATS, iscale);
            IntVector sum = IntVector.zero(STEP_INTS);
            for (int j = 0; j < 256; j += step) {
                // min(127) is the reference's clamp, though here |q| <= 127 already
                IntVector q = ((IntVector) scale.mul(FloatVector.fromArray(STEP_FLOATS, x, base + j))
                        .add(ROUNDER).sub(ROUNDER).convert(VectorOperators.F2I, 0)).min(127);
                ((ByteVector) q.convertShape(VectorOperators.I2B, STEP_BYTES, 0)).intoArray(out.quants, 256 * b + j);
                sum = sum.add(q);
                if (((j + step) & 15) == 0) { // 16 quants done: their sum
                    out.sums[16 * b + (j >> 4)] = sum.reduceLanes(VectorOperators.ADD);
                    sum = IntVector.zero(STEP_INTS);
                }
            }
            out.scales[b] = 1f / iscale;
        }
        out.fillFormsVector(n, true);
        out.fillQuantPairs(n);
        out.fillPairSums(n);
    }

    /** The largest bits of {@code |x|} in {@code x[base, base + len)}, {@code len} a multiple of the step. */
    private static int maxMagnitudeBits(float[] x, int base, int len) {
        IntVector most = IntVector.zero(STEP_INTS);
        for (int j = 0; j < len; j += STEP_FLOATS.length()) {
            most = most.max(FloatVector.fromArray(STEP_FLOATS, x, base + j).reinterpretAsInts().and(MAGNITUDE));
        }
        return most.reduceLanes(VectorOperators.MAX);
    }

    /**
     * The vector form of {@link #split} and, where {@code wide} (Q8_K), the wide halves of {@link #fillKForms}: one
     * pass over the quants, 32 a step.
     */
    private void fillFormsVector(int n, boolean wide) {
        for (int at = 0; at < n; at += 32) {
            ByteVector q = ByteVector.fromArray(GgmlLanes.BYTE, quants, at);
            // evens and odds: the sign-extended low and high byte of each 16-bit lane
            ShortVector pairs = q.reinterpretAsShorts();
            ShortVector even = pairs.lanewise(VectorOperators.LSHL, 8).lanewise(VectorOperators.ASHR, 8);
            ShortVector odd = pairs.lanewise(VectorOperators.ASHR, 8);
            int j = at / 2;
            even.intoArray(evens, j);
            odd.intoArray(odds, j);
            if (wide) {
                // WIDE_ORDER swaps two quarters, so it is its own inverse: it also says where a quarter goes
                int to = (j & ~63) | (WIDE_ORDER[(j >> 4) & 3] << 4);
                even.intoArray(wideEvens, to);
                odd.intoArray(wideOdds, to);
            }
        }
    }

    /** Fills {@link #laneFloats} with vectors, 32 quants a step. */
    void fillLaneFloatsVector() {
        for (int at = 0; at < length; at += 32) {
            // int lane k holds quants 4k..4k+3, whose byte t becomes float 8t + k
            IntVector words = ByteVector.fromArray(GgmlLanes.BYTE, quants, at).reinterpretAsInts();
            float scale = laneScale(at);
            for (int t = 0; t < 4; t++) {
                ((FloatVector) words.lanewise(VectorOperators.LSHL, 24 - 8 * t).lanewise(VectorOperators.ASHR, 24)
                        .convert(VectorOperators.I2F, 0)).mul(scale).intoArray(laneFloats, at + 8 * t);
            }
        }
        laneFloatsReady = true;
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
        this.laneFloatsReady = false;
    }
}
