package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.f16;
import static dev.hearth.gguf.quant.Bytes.i32;
import static dev.hearth.gguf.quant.Bytes.u8;

import java.lang.foreign.MemorySegment;

/**
 * GGML_TYPE_Q5_0 (id 6), {@code block_q5_0}, 22 bytes per 32 weights:
 * <pre>
 *   0  ggml_half d
 *   2  uint8 qh[4]       fifth bits, read as one little-endian uint32: bit i belongs to weight i
 *   6  uint8 qs[16]      low nibbles as in Q4_0
 *   weight j = d * ((qs[j] &amp; 0xF | bit j &lt;&lt; 4) - 16), weight j+16 = d * ((qs[j] &gt;&gt; 4 | bit (j+16) &lt;&lt; 4) - 16)
 * </pre>
 * Dot against {@link ActivationFormat#Q8_0}. The vector path is the scalar one in this version.
 */
public final class Q5_0Kernels {

    public static final int BLOCK_SIZE = 32;
    public static final int TYPE_SIZE = 22;

    private Q5_0Kernels() {
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q5_0");
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = byteOffset + (long) b * TYPE_SIZE;
            float d = f16(src, block);
            int qh = i32(src, block + 2);
            int out = dstOffset + BLOCK_SIZE * b;
            for (int j = 0; j < 16; j++) {
                int q = u8(src, block + 6 + j);
                dst[out + j] = d * (((q & 0xF) | ((qh >>> j) & 1) << 4) - 16);
                dst[out + j + 16] = d * (((q >>> 4) | ((qh >>> (j + 16)) & 1) << 4) - 16);
            }
        }
    }

    public static float dotScalar(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q5_0");
        x.require(ActivationFormat.Q8_0, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        float sum = 0f;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            int qh = i32(w, block + 2);
            int a = BLOCK_SIZE * b;
            int isum = 0;
            for (int j = 0; j < 16; j++) {
                int q = u8(w, block + 6 + j);
                int q0 = ((q & 0xF) | ((qh >>> j) & 1) << 4) - 16;
                int q1 = ((q >>> 4) | ((qh >>> (j + 16)) & 1) << 4) - 16;
                isum += q0 * xq[a + j] + q1 * xq[a + j + 16];
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
