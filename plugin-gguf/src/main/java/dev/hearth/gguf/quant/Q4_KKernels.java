package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.LE;
import static dev.hearth.gguf.quant.Bytes.f16;
import static dev.hearth.gguf.quant.Bytes.u8;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.LongVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;

/**
 * GGML_TYPE_Q4_K (id 12), {@code block_q4_K}, 144 bytes per 256 weights in 8 sub-blocks of 32:
 * <pre>
 *   0  ggml_half d       scale of the sub-block scales
 *   2  ggml_half dmin    scale of the sub-block mins
 *   4  uint8 scales[12]  8 six-bit scales and 8 six-bit mins ({@link #scale}, {@link #min})
 *  16  uint8 qs[128]     4-bit quants: byte 32c + l holds weight 64c + l (low nibble, sub-block 2c)
 *                        and weight 64c + 32 + l (high nibble, sub-block 2c + 1)
 *   weight in sub-block j = d * scale(j) * q - dmin * min(j)
 * </pre>
 * Dot against {@link ActivationFormat#Q8_K}: per super-block,
 * {@code d * d_x * sum_j scale(j) * sum(q * q_x) - dmin * d_x * sum_j min(j) * (bsum[2j] + bsum[2j+1])}.
 */
public final class Q4_KKernels {

    public static final int BLOCK_SIZE = 256;
    public static final int TYPE_SIZE = 144;

    private Q4_KKernels() {
    }

    /**
     * Six-bit scale of sub-block {@code j} (0..7) from the 12 packed bytes at {@code scales}
     * ({@code get_scale_min_k4}): for j &lt; 4 the low 6 bits of byte j; for j &gt;= 4 the low nibble of
     * byte j + 4 with the top 2 bits of byte j - 4 above it.
     */
    static int scale(MemorySegment w, long scales, int j) {
        return j < 4
                ? u8(w, scales + j) & 63
                : (u8(w, scales + j + 4) & 0xF) | (u8(w, scales + j - 4) >>> 6) << 4;
    }

    /**
     * Six-bit min of sub-block {@code j} ({@code get_scale_min_k4}): for j &lt; 4 the low 6 bits of byte j + 4;
     * for j &gt;= 4 the high nibble of byte j + 4 with the top 2 bits of byte j above it.
     */
    static int min(MemorySegment w, long scales, int j) {
        return j < 4
                ? u8(w, scales + j + 4) & 63
                : (u8(w, scales + j + 4) >>> 4) | (u8(w, scales + j) >>> 6) << 4;
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q4_K");
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = byteOffset + (long) b * TYPE_SIZE;
            float d = f16(src, block);
            float dmin = f16(src, block + 2);
            int out = dstOffset + BLOCK_SIZE * b;
            for (int c = 0; c < 4; c++) {
                float d0 = d * scale(src, block + 4, 2 * c);
                float m0 = dmin * min(src, block + 4, 2 * c);
                float d1 = d * scale(src, block + 4, 2 * c + 1);
                float m1 = dmin * min(src, block + 4, 2 * c + 1);
                for (int l = 0; l < 32; l++) {
                    int q = u8(src, block + 16 + 32 * c + l);
                    dst[out + 64 * c + l] = d0 * (q & 0xF) - m0;
                    dst[out + 64 * c + 32 + l] = d1 * (q >>> 4) - m1;
                }
            }
        }
    }

    /**
     * Dot product with a Q8_K activation in ggml's x86 order ({@link GgmlLanes}): per super-block, 8 integer lanes
     * (lane {@code k} takes weights {@code 4k .. 4k+3} of every 32-weight sub-block, times the sub-block's scale)
     * fused-multiply-added with {@code d_x * d} into 8 float accumulators; the min term
     * {@code min(2i) * bsum(2i) + min(2i+1) * bsum(2i+1)} goes into 4 float accumulators of its own with
     * {@code -d_x * dmin}. At the end {@link GgmlLanes#hsum8} of the first plus {@link GgmlLanes#hsum4} of the second.
     * The order is fixed so that results match llama.cpp's on x86 to the bit; {@link #dotVector} computes exactly
     * the same.
     */
    public static float dotScalar(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q4_K");
        x.require(ActivationFormat.Q8_K, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            int a = BLOCK_SIZE * b;
            float d = xd[b] * f16(w, block);
            a0 = Math.fma(d, (float) lane(w, block, xq, a, 0), a0);
            a1 = Math.fma(d, (float) lane(w, block, xq, a, 1), a1);
            a2 = Math.fma(d, (float) lane(w, block, xq, a, 2), a2);
            a3 = Math.fma(d, (float) lane(w, block, xq, a, 3), a3);
            a4 = Math.fma(d, (float) lane(w, block, xq, a, 4), a4);
            a5 = Math.fma(d, (float) lane(w, block, xq, a, 5), a5);
            a6 = Math.fma(d, (float) lane(w, block, xq, a, 6), a6);
            a7 = Math.fma(d, (float) lane(w, block, xq, a, 7), a7);
        }
        return GgmlLanes.hsum8(a0, a1, a2, a3, a4, a5, a6, a7) + minSum(w, wOffset, x, n);
    }

    /** Integer lane {@code k} of a super-block: weights {@code 4k .. 4k+3} of each sub-block times its scale. */
    private static int lane(MemorySegment w, long block, byte[] xq, int a, int k) {
        int sum = 0;
        for (int c = 0; c < 4; c++) {
            int lo = 0;
            int hi = 0;
            for (int l = 4 * k; l < 4 * k + 4; l++) {
                int q = u8(w, block + 16 + 32 * c + l);
                lo += (q & 0xF) * xq[a + 64 * c + l];
                hi += (q >>> 4) * xq[a + 64 * c + 32 + l];
            }
            sum += scale(w, block + 4, 2 * c) * lo + scale(w, block + 4, 2 * c + 1) * hi;
        }
        return sum;
    }

    /**
     * The min term of the dot product, {@code -sum_b d_x dmin sum_j min(j) * bsum(j)}, in ggml's order: per
     * super-block 4 integer lanes (lane {@code i} takes sub-blocks {@code 2i} and {@code 2i+1}) fused-multiply-added
     * with {@code -d_x * dmin} into 4 float accumulators, reduced as {@link GgmlLanes#hsum4}. The scalar path sums it
     * in a loop of its own; the vector paths in their main loop, with the same steps.
     */
    static float minSum(MemorySegment w, long wOffset, Q8Activation x, int n) {
        float[] xd = x.scales();
        int[] pairs = x.pairSums();
        float m0 = 0f, m1 = 0f, m2 = 0f, m3 = 0f;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            float dmin = -xd[b] * f16(w, block + 2);
            long mn = mins(w.get(Bytes.LONG_LE, block + 4), w.get(Bytes.INT_LE, block + 12));
            int g = 8 * b;
            m0 = Math.fma(dmin, (float) minTerm(mn, pairs, g, 0), m0);
            m1 = Math.fma(dmin, (float) minTerm(mn, pairs, g, 1), m1);
            m2 = Math.fma(dmin, (float) minTerm(mn, pairs, g, 2), m2);
            m3 = Math.fma(dmin, (float) minTerm(mn, pairs, g, 3), m3);
        }
        return GgmlLanes.hsum4(m0, m1, m2, m3);
    }

    /**
     * Min-term lane {@code i} from the 8 unpacked mins of {@link #mins}: sub-blocks {@code 2i} and {@code 2i+1},
     * each min times the sum of its 32 activation quants ({@link Q8Activation#pairSums} from {@code g}: sub-block
     * {@code 2i} at {@code g + i}, {@code 2i+1} at {@code g + 4 + i}).
     */
    private static int minTerm(long mn, int[] pairs, int g, int i) {
        int lo = (int) (mn >>> (16 * i)) & 0xFF;
        int hi = (int) (mn >>> (16 * i + 8)) & 0xFF;
        return lo * pairs[g + i] + hi * pairs[g + 4 + i];
    }

    /**
     * The 8 scales of {@link #scale}, one per byte (sub-block j in byte j), from the 12 packed bytes read as
     * {@code lo} (bytes 0..7) and {@code hi} (bytes 8..11).
     */
    static long scales(long lo, int hi) {
        int u0 = (int) lo;
        int upper = (hi & 0x0F0F0F0F) | ((u0 >>> 6) & 0x03030303) << 4;
        return (u0 & 0x3F3F3F3FL) | (long) upper << 32;
    }

    /** The 8 mins of {@link #min}, one per byte, from the packed bytes as in {@link #scales}. */
    static long mins(long lo, int hi) {
        int u1 = (int) (lo >>> 32);
        int upper = ((hi >>> 4) & 0x0F0F0F0F) | ((u1 >>> 6) & 0x03030303) << 4;
        return (u1 & 0x3F3F3F3FL) | (long) upper << 32;
    }

    /**
     * {@link #dotScalar} with 256-bit vectors: the 32 quant bytes of a sub-block pair are one byte vector, split
     * into low and high nibbles of the even and odd bytes of each 16-bit lane, so that the int view holds ggml's
     * 8 lanes. The min term is summed in the same pass, from the scale bytes already read and the activation's
     * {@link Q8Activation#pairSums}, in the order of {@link #minSum}. Takes 512-bit steps where
     * {@link GgmlLanes#WIDE} ({@link #dotVector512}), runs the scalar twin when {@link Simd#BITS} is below 256.
     */
    public static float dotVector(MemorySegment w, long wOffset, Q8Activation x, int n) {
        if (GgmlLanes.WIDE) {
            return dotVector512(w, wOffset, x, n);
        }
        return GgmlLanes.VECTOR ? dotVector256(w, wOffset, x, n) : dotScalar(w, wOffset, x, n);
    }

    /** {@link #dotVector} in 256-bit steps, one 32-byte chunk each. */
    static float dotVector256(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q4_K");
        x.require(ActivationFormat.Q8_K, n);
        float[] xd = x.scales();
        short[] xe = x.evens();
        short[] xo = x.odds();
        int[] pairs = x.pairSums();
        FloatVector acc = FloatVector.zero(GgmlLanes.FLOAT);
        float m0 = 0f, m1 = 0f, m2 = 0f, m3 = 0f;
        // C2 stops inlining once the method graph grows large (NodeCountInliningCutoff) and then boxes every
        // vector, so: no helper methods taking or returning vectors, one sub-block pair per inner iteration.
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            long head = w.get(Bytes.LONG_LE, block);
            long tail = w.get(Bytes.LONG_LE, block + 8);
            // d, dmin (bytes 0-3), then the 12 scale bytes 4..15 as bytes 4..11 and 12..15
            long packedLo = (head >>> 32) | (tail << 32);
            int packedHi = (int) (tail >>> 32);
            long sc = scales(packedLo, packedHi);
            IntVector isum = IntVector.zero(GgmlLanes.INT);
            for (int c = 0; c < 4; c++) {
                // ---- 32 bytes: low nibbles (sub-block 2c), high nibbles (sub-block 2c + 1), even and odd bytes
                ShortVector q = ByteVector.fromMemorySegment(GgmlLanes.BYTE, w, block + 16 + 32 * c, LE)
                        .reinterpretAsShorts();
                int i = 128 * b + 32 * c;
                IntVector lo = q.and((short) 0x0F).mul(ShortVector.fromArray(GgmlLanes.SHORT, xe, i))
                        .add(q.lanewise(VectorOperators.LSHR, 8).and((short) 0x0F)
                                .mul(ShortVector.fromArray(GgmlLanes.SHORT, xo, i)))
                        .reinterpretAsInts();
                IntVector hi = q.lanewise(VectorOperators.LSHR, 4).and((short) 0x0F)
                        .mul(ShortVector.fromArray(GgmlLanes.SHORT, xe, i + 16))
                        .add(q.lanewise(VectorOperators.LSHR, 12)
                                .mul(ShortVector.fromArray(GgmlLanes.SHORT, xo, i + 16)))
                        .reinterpretAsInts();
                // ---- pairs of 16-bit lanes to 32 bits (GgmlLanes.pairSumNarrow), times the sub-block scales
                isum = isum.add(lo.add(lo.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                .mul((int) (sc >>> (16 * c)) & 0xFF))
                        .add(hi.add(hi.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                .mul((int) (sc >>> (16 * c + 8)) & 0xFF));
            }
            float dx = xd[b];
            FloatVector lanes = (FloatVector) isum.convert(VectorOperators.I2F, 0);
            acc = lanes.fma(FloatVector.broadcast(GgmlLanes.FLOAT, dx * Float.float16ToFloat((short) head)), acc);
            float dmin = -dx * Float.float16ToFloat((short) (head >>> 16));
            long mn = mins(packedLo, packedHi);
            int g = 8 * b;
            // minTerm(mn, pairs, g, i) written out: past C2's node cutoff the call would stay a call
            m0 = Math.fma(dmin, (float) (((int) mn & 0xFF) * pairs[g] + ((int) (mn >>> 8) & 0xFF) * pairs[g + 4]), m0);
            m1 = Math.fma(dmin, (float) (((int) (mn >>> 16) & 0xFF) * pairs[g + 1]
                    + ((int) (mn >>> 24) & 0xFF) * pairs[g + 5]), m1);
            m2 = Math.fma(dmin, (float) (((int) (mn >>> 32) & 0xFF) * pairs[g + 2]
                    + ((int) (mn >>> 40) & 0xFF) * pairs[g + 6]), m2);
            m3 = Math.fma(dmin, (float) (((int) (mn >>> 48) & 0xFF) * pairs[g + 3]
                    + ((int) (mn >>> 56) & 0xFF) * pairs[g + 7]), m3);
        }
        return GgmlLanes.hsum8(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5),
                acc.lane(6), acc.lane(7)) + GgmlLanes.hsum4(m0, m1, m2, m3);
    }

    /**
     * {@link #dotVector256} in 512-bit steps: one step takes two 32-byte chunks (sub-blocks 2c..2c+3), its int lanes
     * 0-7 belong to the first chunk and 8-15 to the second, each times its own scales; the halves are added once
     * per super-block (exact integers), so the float steps see the same 8 lanes. The activation halves come
     * regrouped to match ({@link Q8Activation#wideEvens}). The scales reach the int lanes by a byte shuffle and one
     * widening each, and the min term's four lanes are summed in int vector lanes: the scalar extraction, broadcasts
     * and blends they replace were most of the instructions of the loop (about 20% faster, JMH {@code DotBench}).
     */
    static float dotVector512(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q4_K");
        x.require(ActivationFormat.Q8_K, n);
        float[] xd = x.scales();
        short[] xe = x.wideEvens();
        short[] xo = x.wideOdds();
        int[] pairs = x.pairSums();
        FloatVector acc = FloatVector.zero(GgmlLanes.FLOAT_WIDE); // lanes 8-15 repeat lanes 0-7
        FloatVector macc = FloatVector.zero(GgmlLanes.FLOAT); // min term: lanes 4-7 repeat lanes 0-3
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            long head = w.get(Bytes.LONG_LE, block);
            long tail = w.get(Bytes.LONG_LE, block + 8);
            long packedLo = (head >>> 32) | (tail << 32);
            int packedHi = (int) (tail >>> 32);
            // the 8 scales, one per byte, spread to the int lanes of each step by one byte shuffle each
            ByteVector sc = LongVector.broadcast(LongVector.SPECIES_128, scales(packedLo, packedHi)).reinterpretAsBytes();
            IntVector isum = IntVector.zero(GgmlLanes.INT_WIDE);
            for (int c = 0; c < 4; c += 2) {
                ShortVector q = ByteVector.fromMemorySegment(GgmlLanes.BYTE_WIDE, w, block + 16 + 32 * c, LE)
                        .reinterpretAsShorts();
                int i = 128 * b + 32 * c;
                IntVector lo = q.and((short) 0x0F).mul(ShortVector.fromArray(GgmlLanes.SHORT_WIDE, xe, i))
                        .add(q.lanewise(VectorOperators.LSHR, 8).and((short) 0x0F)
                                .mul(ShortVector.fromArray(GgmlLanes.SHORT_WIDE, xo, i)))
                        .reinterpretAsInts();
                IntVector hi = q.lanewise(VectorOperators.LSHR, 4).and((short) 0x0F)
                        .mul(ShortVector.fromArray(GgmlLanes.SHORT_WIDE, xe, i + 32))
                        .add(q.lanewise(VectorOperators.LSHR, 12)
                                .mul(ShortVector.fromArray(GgmlLanes.SHORT_WIDE, xo, i + 32)))
                        .reinterpretAsInts();
                // scales: low nibbles of chunk c and c + 1 (sub-blocks 2c, 2c + 2), high nibbles (2c + 1, 2c + 3)
                IntVector loScale = (IntVector) sc.rearrange(c == 0 ? SCALES_0_2 : SCALES_4_6)
                        .convertShape(VectorOperators.B2I, GgmlLanes.INT_WIDE, 0);
                IntVector hiScale = (IntVector) sc.rearrange(c == 0 ? SCALES_1_3 : SCALES_5_7)
                        .convertShape(VectorOperators.B2I, GgmlLanes.INT_WIDE, 0);
                isum = isum.add(lo.add(lo.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                .mul(loScale))
                        .add(hi.add(hi.lanewise(VectorOperators.LSHL, 16)).lanewise(VectorOperators.ASHR, 16)
                                .mul(hiScale));
            }
            float dx = xd[b];
            FloatVector lanes = (FloatVector) isum.add(isum.rearrange(GgmlLanes.SWAP_STEPS))
                    .convert(VectorOperators.I2F, 0);
            acc = lanes.fma(FloatVector.broadcast(GgmlLanes.FLOAT_WIDE, dx * Float.float16ToFloat((short) head)), acc);
            // min term lane i (minTerm): min(2i) * pairs[g + i] + min(2i + 1) * pairs[g + 4 + i], in int lanes
            // 0-3 plus 4-7 of the mins in pair order times the pair sums
            // mins(packedLo, packedHi) written out: past C2's node cutoff the call would stay a call
            int u1 = (int) (packedLo >>> 32);
            long mn = (u1 & 0x3F3F3F3FL)
                    | (long) (((packedHi >>> 4) & 0x0F0F0F0F) | ((u1 >>> 6) & 0x03030303) << 4) << 32;
            IntVector mp = ((IntVector) LongVector.broadcast(LongVector.SPECIES_128, mn)
                    .reinterpretAsBytes().rearrange(MINS_IN_PAIR_ORDER).convertShape(VectorOperators.B2I, GgmlLanes.INT, 0))
                    .mul(IntVector.fromArray(GgmlLanes.INT, pairs, 8 * b));
            float dmin = -dx * Float.float16ToFloat((short) (head >>> 16));
            macc = ((FloatVector) mp.add(mp.rearrange(SWAP_PAIRS)).convert(VectorOperators.I2F, 0))
                    .fma(FloatVector.broadcast(GgmlLanes.FLOAT, dmin), macc);
        }
        return GgmlLanes.hsum8(acc.lane(0), acc.lane(1), acc.lane(2), acc.lane(3), acc.lane(4), acc.lane(5),
                acc.lane(6), acc.lane(7)) + GgmlLanes.hsum4(macc.lane(0), macc.lane(1), macc.lane(2), macc.lane(3));
    }

    /** Byte {@code j} of a scales long to int lanes 0-7 and byte {@code j + 2} to 8-15, for j = 0, 1, 4, 5. */
    private static final VectorShuffle<Byte> SCALES_0_2 = twoScales(0);
    private static final VectorShuffle<Byte> SCALES_1_3 = twoScales(1);
    private static final VectorShuffle<Byte> SCALES_4_6 = twoScales(4);
    private static final VectorShuffle<Byte> SCALES_5_7 = twoScales(5);
    /**
     * The 8 mins (byte j = sub-block j) in the order of {@link Q8Activation#pairSums}: 0, 2, 4, 6, 1, 3, 5, 7 (then
     * the same again; 128 bits, since C2 keeps no one-lane long vectors in registers).
     */
    private static final VectorShuffle<Byte> MINS_IN_PAIR_ORDER =
            VectorShuffle.fromValues(ByteVector.SPECIES_128, 0, 2, 4, 6, 1, 3, 5, 7, 0, 2, 4, 6, 1, 3, 5, 7);
    /** Int lanes 4-7 to 0-3 and back. */
    private static final VectorShuffle<Integer> SWAP_PAIRS = VectorShuffle.fromOp(GgmlLanes.INT, i -> (i + 4) & 7);

    private static VectorShuffle<Byte> twoScales(int j) {
        return VectorShuffle.fromOp(ByteVector.SPECIES_128, i -> i < 8 ? j : j + 2);
    }

    /**
     * Decodes a row for {@link UnpackedRow}: per super-block the 256 weights {@code q * scale(j)} as floats in lane
     * order (float {@code 8s + k} is weight {@code 32 (s / 4) + 4k + s % 4}: in the int view of a sub-block's bytes,
     * lane {@code k} holds weights {@code 4k .. 4k+3}, one per byte), the mins in pair order ({@code 0, 2, 4, 6, 1, 3,
     * 5, 7}), {@code d} and {@code dmin}.
     */
    static void unpack(MemorySegment w, long wOffset, int n, UnpackedRow row) {
        float[] out = row.weights;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            long head = w.get(Bytes.LONG_LE, block);
            long tail = w.get(Bytes.LONG_LE, block + 8);
            long sc = scales((head >>> 32) | (tail << 32), (int) (tail >>> 32));
            long mn = mins(w.get(Bytes.LONG_LE, block + 4), w.get(Bytes.INT_LE, block + 12));
            for (int i = 0; i < 4; i++) {
                row.mins[8 * b + i] = (int) (mn >>> (16 * i)) & 0xFF;
                row.mins[8 * b + 4 + i] = (int) (mn >>> (16 * i + 8)) & 0xFF;
            }
            row.d[b] = Float.float16ToFloat((short) head);
            row.dmin[b] = f16(w, block + 2);
            for (int c = 0; c < 4; c++) {
                // 32 bytes: low nibbles are sub-block 2c, high nibbles sub-block 2c + 1
                IntVector q = ByteVector.fromMemorySegment(GgmlLanes.BYTE, w, block + 16 + 32 * c, LE)
                        .reinterpretAsInts();
                float s0 = (int) (sc >>> (16 * c)) & 0xFF;
                float s1 = (int) (sc >>> (16 * c + 8)) & 0xFF;
                int at = BLOCK_SIZE * b + 64 * c;
                for (int t = 0; t < 4; t++) {
                    GgmlLanes.toFloat(q.lanewise(VectorOperators.LSHR, 8 * t).and(0xF)).mul(s0)
                            .intoArray(out, at + 8 * t);
                    GgmlLanes.toFloat(q.lanewise(VectorOperators.LSHR, 8 * t + 4).and(0xF)).mul(s1)
                            .intoArray(out, at + 32 + 8 * t);
                }
            }
        }
    }
}
