package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.FLOAT_LE;
import static dev.hearth.gguf.quant.Bytes.i8;

import java.lang.foreign.MemorySegment;

/**
 * GGML_TYPE_Q8_K (id 15), {@code block_q8_K}, 292 bytes per 256 values; ggml's activation format for the
 * K-quants, rarely stored in files:
 * <pre>
 *   0  float d
 *   4  int8 qs[256]      value i = d * qs[i]
 * 260  int16 bsums[16]   sums of qs per 16 (not needed to dequantize)
 * </pre>
 * In memory an activation uses {@link Q8Activation} ({@link Q8Activation#quantizeQ8_K}).
 */
public final class Q8_KKernels {

    /** QK_K: the super-block size of every K-quant. */
    public static final int QK_K = 256;
    public static final int BLOCK_SIZE = QK_K;
    public static final int TYPE_SIZE = 292;

    private Q8_KKernels() {
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q8_K");
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = byteOffset + (long) b * TYPE_SIZE;
            float d = src.get(FLOAT_LE, block);
            for (int j = 0; j < BLOCK_SIZE; j++) {
                dst[dstOffset + BLOCK_SIZE * b + j] = d * i8(src, block + 4 + j);
            }
        }
    }

    public static float dotScalar(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q8_K");
        x.require(ActivationFormat.Q8_K, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        float sum = 0f;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            int isum = 0;
            for (int j = 0; j < BLOCK_SIZE; j++) {
                isum += i8(w, block + 4 + j) * xq[BLOCK_SIZE * b + j];
            }
            sum += w.get(FLOAT_LE, block) * xd[b] * isum;
        }
        return sum;
    }

    /** Same as {@link #dotScalar} in this version. */
    public static float dotVector(MemorySegment w, long wOffset, Q8Activation x, int n) {
        return dotScalar(w, wOffset, x, n);
    }
}
