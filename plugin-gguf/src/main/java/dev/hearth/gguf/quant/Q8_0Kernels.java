package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.LE;
import static dev.hearth.gguf.quant.Bytes.f16;
import static dev.hearth.gguf.quant.Bytes.i8;
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
 * GGML_TYPE_Q8_0 (id 8), {@code block_q8_0}, 34 bytes per 32 weights:
 * <pre>
 *   0  ggml_half d       scale
 *   2  int8 qs[32]       weight i = d * qs[i]
 * </pre>
 * Dot products run against a {@link ActivationFormat#Q8_0} activation: per block,
 * {@code d_w * d_x * sum(qs_w[i] * qs_x[i])}.
 */
public final class Q8_0Kernels {

    public static final int BLOCK_SIZE = 32;
    public static final int TYPE_SIZE = 34;

    private Q8_0Kernels() {
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q8_0");
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = byteOffset + (long) b * TYPE_SIZE;
            float d = f16(src, block);
            for (int j = 0; j < BLOCK_SIZE; j++) {
                dst[dstOffset + BLOCK_SIZE * b + j] = d * i8(src, block + 2 + j);
            }
        }
    }

    public static float dotScalar(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q8_0");
        x.require(ActivationFormat.Q8_0, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        float sum = 0f;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            int isum = 0;
            for (int j = 0; j < BLOCK_SIZE; j++) {
                isum += i8(w, block + 2 + j) * xq[BLOCK_SIZE * b + j];
            }
            sum += isum * (f16(w, block) * xd[b]);
        }
        return sum;
    }

    public static float dotVector(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q8_0");
        x.require(ActivationFormat.Q8_0, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        FloatVector acc = FloatVector.zero(FLOAT);
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            IntVector isum = IntVector.zero(INT);
            for (int s = 0; s < BLOCK_SIZE; s += STEP) {
                ShortVector q = Simd.widen(ByteVector.fromMemorySegment(BYTE_HALF, w, block + 2 + s, LE));
                ShortVector a = Simd.widen(ByteVector.fromArray(BYTE_HALF, xq, BLOCK_SIZE * b + s));
                isum = isum.add(Simd.pairSum(q.mul(a)));
            }
            acc = Simd.toFloat(isum).fma(FloatVector.broadcast(FLOAT, f16(w, block) * xd[b]), acc);
        }
        return acc.reduceLanes(VectorOperators.ADD);
    }
}
