package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.f16;
import static dev.hearth.gguf.quant.Bytes.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML_TYPE_Q5_K (id 13), {@code block_q5_K}, 176 bytes per 256 weights in 8 sub-blocks of 32:
 * <pre>
 *   0  ggml_half d
 *   2  ggml_half dmin
 *   4  uint8 scales[12]  as in Q4_K ({@link Q4_KKernels#scale}, {@link Q4_KKernels#min})
 *  16  uint8 qh[32]      fifth bits: weight 64c + l has bit 2c of qh[l], weight 64c + 32 + l bit 2c + 1
 *  48  uint8 qs[128]     low nibbles laid out as in Q4_K
 * </pre>
 * Dot against {@link ActivationFormat#Q8_K}. The vector path is the scalar one in this version.
 */
public final class Q5_KKernels {

    public static final int BLOCK_SIZE = 256;
    public static final int TYPE_SIZE = 176;

    private Q5_KKernels() {
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q5_K");
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = byteOffset + (long) b * TYPE_SIZE;
            float d = f16(src, block);
            float dmin = f16(src, block + 2);
            int out = dstOffset + BLOCK_SIZE * b;
            for (int c = 0; c < 4; c++) {
                float d0 = d * Q4_KKernels.scale(src, block + 4, 2 * c);
                float m0 = dmin * Q4_KKernels.min(src, block + 4, 2 * c);
                float d1 = d * Q4_KKernels.scale(src, block + 4, 2 * c + 1);
                float m1 = dmin * Q4_KKernels.min(src, block + 4, 2 * c + 1);
                for (int l = 0; l < 32; l++) {
                    int q = u8(src, block + 48 + 32 * c + l);
                    int h = u8(src, block + 16 + l);
                    dst[out + 64 * c + l] = d0 * ((q & 0xF) | ((h >>> (2 * c)) & 1) << 4) - m0;
                    dst[out + 64 * c + 32 + l] = d1 * ((q >>> 4) | ((h >>> (2 * c + 1)) & 1) << 4) - m1;
                }
            }
        }
    }

    public static float dotScalar(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q5_K");
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
                    int q = u8(w, block + 48 + 32 * c + l);
                    int h = u8(w, block + 16 + l);
                    lo += ((q & 0xF) | ((h >>> (2 * c)) & 1) << 4) * xq[a + 64 * c + l];
                    hi += ((q >>> 4) | ((h >>> (2 * c + 1)) & 1) << 4) * xq[a + 64 * c + 32 + l];
                }
                isum += Q4_KKernels.scale(w, block + 4, 2 * c) * lo + Q4_KKernels.scale(w, block + 4, 2 * c + 1) * hi;
                msum += Q4_KKernels.min(w, block + 4, 2 * c) * (bsums[16 * b + 4 * c] + bsums[16 * b + 4 * c + 1])
                        + Q4_KKernels.min(w, block + 4, 2 * c + 1)
                        * (bsums[16 * b + 4 * c + 2] + bsums[16 * b + 4 * c + 3]);
            }
            sum += xd[b] * (f16(w, block) * isum - f16(w, block + 2) * msum);
        }
        return sum;
    }

    /** Same as {@link #dotScalar} in this version. */
    public static float dotVector(MemorySegment w, long wOffset, Q8Activation x, int n) {
        return dotScalar(w, wOffset, x, n);
    }
}
