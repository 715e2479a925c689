package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.LE;
import static dev.hearth.gguf.quant.Bytes.f16;
import static dev.hearth.gguf.quant.Bytes.i8;

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

    /**
     * Dot product with a Q8_0 activation in ggml's x86 order ({@link GgmlLanes}): per block, 8 integer lanes of 4
     * products each, each lane converted to float and fused-multiply-added with {@code d_w * d_x} into its own
     * float accumulator; the 8 accumulators are reduced as {@link GgmlLanes#hsum8} at the end. The order is fixed
     * so that results match llama.cpp's on x86 to the bit; {@link #dotVector} computes exactly the same.
     */
    public static float dotScalar(MemorySegment w, long wOffset, Q8Activation x, int n) {
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q8_0");
        x.require(ActivationFormat.Q8_0, n);
        byte[] xq = x.quants();
        float[] xd = x.scales();
        float a0 = 0f, a1 = 0f, a2 = 0f, a3 = 0f, a4 = 0f, a5 = 0f, a6 = 0f, a7 = 0f;
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            long q = block + 2;
            int a = BLOCK_SIZE * b;
            float d = f16(w, block) * xd[b];
            a0 = Math.fma(d, (float) quad(w, q, xq, a, 0), a0);
            a1 = Math.fma(d, (float) quad(w, q, xq, a, 1), a1);
            a2 = Math.fma(d, (float) quad(w, q, xq, a, 2), a2);
            a3 = Math.fma(d, (float) quad(w, q, xq, a, 3), a3);
            a4 = Math.fma(d, (float) quad(w, q, xq, a, 4), a4);
            a5 = Math.fma(d, (float) quad(w, q, xq, a, 5), a5);
            a6 = Math.fma(d, (float) quad(w, q, xq, a, 6), a6);
            a7 = Math.fma(d, (float) quad(w, q, xq, a, 7), a7);
        }
        return GgmlLanes.hsum8(a0, a1, a2, a3, a4, a5, a6, a7);
    }

    /** Lane {@code k} of a block: the products of weights {@code 4k .. 4k+3} with their activations. */
    private static int quad(MemorySegment w, long q, byte[] xq, int a, int k) {
        int s = 0;
        for (int t = 4 * k; t < 4 * k + 4; t++) {
            s += i8(w, q + t) * xq[a + t];
        }
        return s;
    }

    /**
     * {@link #dotScalar} with 256-bit vectors: one block is one byte vector, its int view holds ggml's 8 lanes.
     * Runs the scalar twin when {@link Simd#BITS} is below 256.
     */
    public static float dotVector(MemorySegment w, long wOffset, Q8Activation x, int n) {
        if (!GgmlLanes.VECTOR) {
            return dotScalar(w, wOffset, x, n);
        }
        Bytes.checkBlocks(n, BLOCK_SIZE, "Q8_0");
        x.require(ActivationFormat.Q8_0, n);
        float[] xd = x.scales();
        short[] xe = x.evens();
        short[] xo = x.odds();
        FloatVector acc = FloatVector.zero(GgmlLanes.FLOAT);
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            ShortVector q = ByteVector.fromMemorySegment(GgmlLanes.BYTE, w, block + 2, LE).reinterpretAsShorts();
            ShortVector p = GgmlLanes.products(GgmlLanes.even(q), GgmlLanes.odd(q), xe, xo, BLOCK_SIZE / 2 * b);
            acc = GgmlLanes.accumulate(GgmlLanes.pairSum(p), f16(w, block) * xd[b], acc);
        }
        return GgmlLanes.hsum8(acc);
    }

    /**
     * Decodes a row for {@link UnpackedRow}: the weights {@code d * q} as floats, each block's 32 in lane order (float
     * {@code 8t + k} is weight {@code 4k + t}: in the int view of the block's bytes, lane {@code k} holds quants
     * {@code 4k .. 4k+3}, one per byte), the order of {@link Q8Activation#laneFloats}.
     */
    static void unpack(MemorySegment w, long wOffset, int n, float[] out) {
        for (int b = 0; b < n / BLOCK_SIZE; b++) {
            long block = wOffset + (long) b * TYPE_SIZE;
            float d = f16(w, block);
            IntVector q = ByteVector.fromMemorySegment(GgmlLanes.BYTE, w, block + 2, LE).reinterpretAsInts();
            for (int t = 0; t < 4; t++) {
                // byte t of each int lane, sign-extended
                IntVector quant = q.lanewise(VectorOperators.LSHL, 24 - 8 * t).lanewise(VectorOperators.ASHR, 24);
                ((FloatVector) quant.convert(VectorOperators.I2F, 0)).mul(d).intoArray(out, BLOCK_SIZE * b + 8 * t);
            }
        }
    }
}
