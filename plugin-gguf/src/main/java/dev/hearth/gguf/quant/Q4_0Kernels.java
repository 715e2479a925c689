package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.f16;
import static dev.hearth.gguf.quant.Bytes.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML_TYPE_Q4_0 (id 2), {@code block_q4_0}, 18 bytes per 32 weights:
 * <pre>
 *   0  ggml_half d
 *   2  uint8 qs[16]      weight j = d * ((qs[j] &amp; 0xF) - 8), weight j+16 = d * ((qs[j] &gt;&gt; 4) - 8)
 * </pre>
 * Dot against {@link ActivationFormat#Q8_0}. The vector path is the scalar one in this version.
 */
public final class Q4_0Kernels {

    public static final int BLOCK_SIZE = 32;
    public static final int TYPE_SIZE = 18;

    private Q4_0Kernels() {
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q4_0");
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = byteOffset + (long) b * TYPE_SIZE;
            float d = f16(src, block);
            int out = dstOffset + BLOCK_SIZE * b;
            for (int j = 0; j < 16; j++) {
                int q = u8(src, block + 2 + j);
                dst[out + j] = d * ((q & 0xF) - 8);
                dst[out + j + 16] = d * ((q >>> 4) - 8);
            }
        }
    }

    public static float dotScalar(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q4_0");
        x.require(ActivationFormat.Q8_0, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        float sum = 0f;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            int a = BLOCK_SIZE * b;
            int isum = 0;
            for (int j = 0; j < 16; j++) {
                int q = u8(w, block + 2 + j);
                isum += ((q & 0xF) - 8) * xq[a + j] + ((q >>> 4) - 8) * xq[a + j + 16];
            }
            sum += isum * (f16(w, block) * xd[b]);
        }
        return sum;
    }

    /** Same as {@link #dotScalar} in this version. */
    public static float dotVector(MemorySegment w, long wOffset, Q8Activation x, int n) {
        return dotScalar(w, wOffset, x, n);
    }
}
