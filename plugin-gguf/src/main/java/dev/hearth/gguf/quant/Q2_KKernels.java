package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.f16;
import static dev.hearth.gguf.quant.Bytes.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML_TYPE_Q2_K (id 10), {@code block_q2_K}, 84 bytes per 256 weights in 16 groups of 16:
 * <pre>
 *   0  uint8 scales[16]  group g: scale = scales[g] &amp; 0xF, min = scales[g] &gt;&gt; 4
 *  16  uint8 qs[64]      2-bit quants
 *  80  ggml_half d
 *  82  ggml_half dmin
 * </pre>
 * Weight {@code e = 128h + 32j + l} ({@code h < 2, j < 4, l < 32}) is {@code q = (qs[32h + l] >> 2j) & 3} in
 * group {@code g = e / 16}: {@code d * scale_g * q - dmin * min_g}. Dot against {@link ActivationFormat#Q8_K}.
 * The vector path is the scalar one in this version.
 */
public final class Q2_KKernels {

    public static final int BLOCK_SIZE = 256;
    public static final int TYPE_SIZE = 84;

    private Q2_KKernels() {
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q2_K");
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = byteOffset + (long) b * TYPE_SIZE;
            float d = f16(src, block + 80);
            float dmin = f16(src, block + 82);
            int out = dstOffset + BLOCK_SIZE * b;
            for (int e = 0; e < BLOCK_SIZE; e++) {
                int h = e / 128;
                int j = (e % 128) / 32;
                int l = e % 32;
                int q = (u8(src, block + 16 + 32 * h + l) >>> (2 * j)) & 3;
                int sc = u8(src, block + e / 16);
                dst[out + e] = d * (sc & 0xF) * q - dmin * (sc >>> 4);
            }
        }
    }

    public static float dotScalar(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q2_K");
        x.require(ActivationFormat.Q8_K, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        int[] bsums = x.sums();
        float sum = 0f;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            int isum = 0;
            int msum = 0;
            for (int g = 0; g < 16; g++) {
                int sc = u8(w, block + g);
                int gsum = 0;
                for (int i = 0; i < 16; i++) {
                    int e = 16 * g + i;
                    int q = (u8(w, block + 16 + 32 * (e / 128) + e % 32) >>> (2 * ((e % 128) / 32))) & 3;
                    gsum += q * xq[BLOCK_SIZE * b + e];
                }
                isum += (sc & 0xF) * gsum;
                msum += (sc >>> 4) * bsums[16 * b + g];
            }
            sum += xd[b] * (f16(w, block + 80) * isum - f16(w, block + 82) * msum);
        }
        return sum;
    }

    /** Same as {@link #dotScalar} in this version. */
    public static float dotVector(MemorySegment w, long wOffset, Q8Activation x, int n) {
        return dotScalar(w, wOffset, x, n);
    }
}
