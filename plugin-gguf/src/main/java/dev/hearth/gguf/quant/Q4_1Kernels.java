package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.f16;
import static dev.hearth.gguf.quant.Bytes.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML_TYPE_Q4_1 (id 3), {@code block_q4_1}, 20 bytes per 32 weights:
 * <pre>
 *   0  ggml_half d
 *   2  ggml_half m
 *   4  uint8 qs[16]      weight j = d * (qs[j] &amp; 0xF) + m, weight j+16 = d * (qs[j] &gt;&gt; 4) + m
 * </pre>
 * Dot against {@link ActivationFormat#Q8_0} (ggml uses Q8_1; the per-block quant sums of
 * {@link Q8Activation#sums()} carry the same information). The vector path is the scalar one in this version.
 */
public final class Q4_1Kernels {

    public static final int BLOCK_SIZE = 32;
    public static final int TYPE_SIZE = 20;

    private Q4_1Kernels() {
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q4_1");
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = byteOffset + (long) b * TYPE_SIZE;
            float d = f16(src, block);
            float m = f16(src, block + 2);
            int out = dstOffset + BLOCK_SIZE * b;
            for (int j = 0; j < 16; j++) {
                int q = u8(src, block + 4 + j);
                dst[out + j] = d * (q & 0xF) + m;
                dst[out + j + 16] = d * (q >>> 4) + m;
            }
        }
    }

    public static float dotScalar(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q4_1");
        x.require(ActivationFormat.Q8_0, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        int[] xs = x.sums();
        float sum = 0f;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            int a = BLOCK_SIZE * b;
            int isum = 0;
            for (int j = 0; j < 16; j++) {
                int q = u8(w, block + 4 + j);
                isum += (q & 0xF) * xq[a + j] + (q >>> 4) * xq[a + j + 16];
            }
            sum += isum * (f16(w, block) * xd[b]) + f16(w, block + 2) * (xd[b] * xs[b]);
        }
        return sum;
    }

    /** Same as {@link #dotScalar} in this version. */
    public static float dotVector(MemorySegment w, long wOffset, Q8Activation x, int n) {
        return dotScalar(w, wOffset, x, n);
    }
}
