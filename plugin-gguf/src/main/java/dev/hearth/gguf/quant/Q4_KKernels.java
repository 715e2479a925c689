package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.LE;
import static dev.hearth.gguf.quant.Bytes.f16;
import static dev.hearth.gguf.quant.Bytes.u8;
import static dev.hearth.gguf.quant.Simd.BYTE_HALF;
import static dev.hearth.gguf.quant.Simd.FLOAT;
import static dev.hearth.gguf.quant.Simd.INT;
import static dev.hearth.gguf.quant.Simd.SHORT;
import static dev.hearth.gguf.quant.Simd.STEP;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

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

    public static float dotScalar(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q4_K");
        x.require(ActivationFormat.Q8_K, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        int[] bsums = x.sums();
        float sum = 0f;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            int a = BLOCK_SIZE * b;
            int isum = 0;
            int msum = 0;
            for (int c = 0; c < 4; c++) {
                int lo = 0;
                int hi = 0;
                for (int l = 0; l < 32; l++) {
                    int q = u8(w, block + 16 + 32 * c + l);
                    lo += (q & 0xF) * xq[a + 64 * c + l];
                    hi += (q >>> 4) * xq[a + 64 * c + 32 + l];
                }
                isum += scale(w, block + 4, 2 * c) * lo + scale(w, block + 4, 2 * c + 1) * hi;
                msum += min(w, block + 4, 2 * c) * (bsums[16 * b + 4 * c] + bsums[16 * b + 4 * c + 1])
                        + min(w, block + 4, 2 * c + 1) * (bsums[16 * b + 4 * c + 2] + bsums[16 * b + 4 * c + 3]);
            }
            sum += xd[b] * (f16(w, block) * isum - f16(w, block + 2) * msum);
        }
        return sum;
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

    public static float dotVector(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q4_K");
        x.require(ActivationFormat.Q8_K, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        int[] bsums = x.sums();
        FloatVector acc = FloatVector.zero(FLOAT);
        float minSum = 0f;
        // Few scalar reads per super-block: C2 stops inlining the vector calls once the method graph grows
        // large (NodeCountInliningCutoff), and every segment read adds nodes.
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            int dd = w.get(Bytes.INT_LE, block);
            long packedLo = w.get(Bytes.LONG_LE, block + 4);
            int packedHi = w.get(Bytes.INT_LE, block + 12);
            long sc = scales(packedLo, packedHi);
            long mn = mins(packedLo, packedHi);
            int a = BLOCK_SIZE * b;
            IntVector isum = IntVector.zero(INT);
            int msum = 0;
            for (int c = 0; c < 4; c++) {
                // ---- 64 weights: low nibbles (sub-block 2c), high nibbles (sub-block 2c + 1)
                ShortVector lo = ShortVector.zero(SHORT);
                ShortVector hi = ShortVector.zero(SHORT);
                for (int s = 0; s < 32; s += STEP) {
                    ByteVector q = ByteVector.fromMemorySegment(BYTE_HALF, w, block + 16 + 32 * c + s, LE);
                    ShortVector x0 = Simd.widen(ByteVector.fromArray(BYTE_HALF, xq, a + 64 * c + s));
                    ShortVector x1 = Simd.widen(ByteVector.fromArray(BYTE_HALF, xq, a + 64 * c + 32 + s));
                    // |q * x| <= 15 * 127 and at most 4 terms per lane: exact in 16 bits
                    lo = lo.add(Simd.widen(q.and((byte) 0x0F)).mul(x0));
                    hi = hi.add(Simd.widen(q.lanewise(VectorOperators.LSHR, 4)).mul(x1));
                }
                int s0 = (int) (sc >>> (16 * c)) & 0xFF;
                int s1 = (int) (sc >>> (16 * c + 8)) & 0xFF;
                isum = isum.add(Simd.pairSum(lo).mul(s0)).add(Simd.pairSum(hi).mul(s1));
                int m0 = (int) (mn >>> (16 * c)) & 0xFF;
                int m1 = (int) (mn >>> (16 * c + 8)) & 0xFF;
                int g = 16 * b + 4 * c;
                msum += m0 * (bsums[g] + bsums[g + 1]) + m1 * (bsums[g + 2] + bsums[g + 3]);
            }
            acc = Simd.toFloat(isum).fma(FloatVector.broadcast(FLOAT, Float.float16ToFloat((short) dd) * xd[b]), acc);
            minSum += Float.float16ToFloat((short) (dd >>> 16)) * xd[b] * msum;
        }
        return acc.reduceLanes(VectorOperators.ADD) - minSum;
    }
}
