package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.LE;
import static dev.hearth.gguf.quant.Bytes.f16;
import static dev.hearth.gguf.quant.Bytes.i8;
import static dev.hearth.gguf.quant.Bytes.u8;
import static dev.hearth.gguf.quant.Simd.BYTE_HALF;
import static dev.hearth.gguf.quant.Simd.FLOAT;
import static dev.hearth.gguf.quant.Simd.INT;
import static dev.hearth.gguf.quant.Simd.STEP;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.ByteVector;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/**
 * GGML_TYPE_Q6_K (id 14), {@code block_q6_K}, 210 bytes per 256 weights in 16 groups of 16:
 * <pre>
 *   0  uint8 ql[128]     low 4 bits
 * 128  uint8 qh[64]      high 2 bits
 * 192  int8 scales[16]   one signed scale per group of 16
 * 208  ggml_half d
 * </pre>
 * For half {@code h} (128 weights) and {@code l < 32}, with {@code L = ql + 64h}, {@code H = qh[32h + l]}:
 * weight {@code 128h + l} is {@code L[l] & 0xF | (H & 3) << 4}, {@code 128h + 32 + l} is
 * {@code L[32 + l] & 0xF | (H >> 2 & 3) << 4}, {@code 128h + 64 + l} is {@code L[l] >> 4 | (H >> 4 & 3) << 4},
 * {@code 128h + 96 + l} is {@code L[32 + l] >> 4 | (H >> 6) << 4}; each minus 32, times
 * {@code d * scales[e / 16]}. Dot against {@link ActivationFormat#Q8_K}.
 */
public final class Q6_KKernels {

    public static final int BLOCK_SIZE = 256;
    public static final int TYPE_SIZE = 210;

    private Q6_KKernels() {
    }

    /** Quant (-32..31) of weight {@code 128h + 32k + l} of the block. */
    private static int quant(MemorySegment w, long block, int h, int k, int l) {
        int low = u8(w, block + 64 * h + 32 * (k & 1) + l);
        low = k < 2 ? low & 0xF : low >>> 4;
        int high = (u8(w, block + 128 + 32 * h + l) >>> (2 * k)) & 3;
        return (low | high << 4) - 32;
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q6_K");
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = byteOffset + (long) b * TYPE_SIZE;
            float d = f16(src, block + 208);
            int out = dstOffset + BLOCK_SIZE * b;
            for (int h = 0; h < 2; h++) {
                for (int k = 0; k < 4; k++) {
                    for (int l = 0; l < 32; l++) {
                        int e = 128 * h + 32 * k + l;
                        dst[out + e] = d * i8(src, block + 192 + e / 16) * quant(src, block, h, k, l);
                    }
                }
            }
        }
    }

    public static float dotScalar(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q6_K");
        x.require(ActivationFormat.Q8_K, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        float sum = 0f;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            int isum = 0;
            for (int h = 0; h < 2; h++) {
                for (int k = 0; k < 4; k++) {
                    for (int g = 0; g < 2; g++) {
                        int gsum = 0;
                        for (int i = 0; i < 16; i++) {
                            int l = 16 * g + i;
                            gsum += quant(w, block, h, k, l) * xq[BLOCK_SIZE * b + 128 * h + 32 * k + l];
                        }
                        isum += i8(w, block + 192 + 8 * h + 2 * k + g) * gsum;
                    }
                }
            }
            sum += f16(w, block + 208) * xd[b] * isum;
        }
        return sum;
    }

    public static float dotVector(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q6_K");
        x.require(ActivationFormat.Q8_K, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        FloatVector acc = FloatVector.zero(FLOAT);
        // One 32-run per iteration and few scalar reads: C2 stops inlining the vector calls once the method
        // graph grows large (NodeCountInliningCutoff) or deep (MaxInlineLevel), and then boxes every vector.
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            long sc0 = w.get(Bytes.LONG_LE, block + 192);
            long sc1 = w.get(Bytes.LONG_LE, block + 200);
            IntVector isum = IntVector.zero(INT);
            for (int run = 0; run < 8; run++) {
                int h = run >> 2;
                int k = run & 3;
                long ql = block + 64 * h + 32 * (k & 1);
                long qh = block + 128 + 32 * h;
                int lowShift = 4 * (k >> 1);
                int highShift = 2 * k;
                long sc = h == 0 ? sc0 : sc1;
                int a = BLOCK_SIZE * b + 32 * run;
                for (int l = 0; l < 32; l += STEP) {
                    // ---- STEP quants of the run: 4 low bits | 2 high bits << 4, minus 32
                    ByteVector low = ByteVector.fromMemorySegment(BYTE_HALF, w, ql + l, LE)
                            .lanewise(VectorOperators.LSHR, lowShift).and((byte) 0x0F);
                    ByteVector high = ByteVector.fromMemorySegment(BYTE_HALF, w, qh + l, LE)
                            .lanewise(VectorOperators.LSHR, highShift).and((byte) 0x03);
                    ByteVector q = low.or(high.lanewise(VectorOperators.LSHL, 4)).sub((byte) 32);
                    // ---- times the activation (|q x| <= 32 * 127), widened, times the group scales
                    ShortVector products = Simd.widen(q).mul(Simd.widen(ByteVector.fromArray(BYTE_HALF, xq, a + l)));
                    isum = isum.add(Simd.pairSum(products).mul(scales(sc, 2 * k, l)));
                }
            }
            float d = Float.float16ToFloat(w.get(Bytes.SHORT_LE, block + 208));
            acc = Simd.toFloat(isum).fma(FloatVector.broadcast(FLOAT, d * xd[b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }

    /**
     * The scale of each int lane for the STEP weights starting at {@code l} of the 32-run whose two group
     * scales are bytes {@code k}, {@code k + 1} of {@code sc}: a lane covers 2 weights, a group 16, so with
     * STEP 32 the lower half of the lanes takes the first scale and the upper half the second.
     */
    private static IntVector scales(long sc, int k, int l) {
        if (STEP <= 16) {
            return IntVector.broadcast(INT, (byte) (sc >>> (8 * (k + l / 16))));
        }
        return IntVector.broadcast(INT, (byte) (sc >>> (8 * k))).blend((byte) (sc >>> (8 * k + 8)), Simd.UPPER_HALF);
    }
}
