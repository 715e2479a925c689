package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.LE;
import static dev.hearth.gguf.quant.Bytes.SHORT_LE;
import static dev.hearth.gguf.quant.Simd.FLOAT;
import static dev.hearth.gguf.quant.Simd.INT;
import static dev.hearth.gguf.quant.Simd.SHORT_HALF;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.ShortVector;
import jdk.incubator.vector.VectorOperators;

/** GGML_TYPE_BF16 (id 30): the upper 16 bits of an IEEE float. */
public final class BF16Kernels {

    public static final int TYPE_SIZE = 2;

    private BF16Kernels() {
    }

    /** One bfloat16 (as its 16 raw bits) to float. */
    public static float toFloat(short bits) {
        return Float.intBitsToFloat((bits & 0xFFFF) << 16);
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOffset + i] = toFloat(src.get(SHORT_LE, byteOffset + 2L * i));
        }
    }

    public static float dotScalar(MemorySegment w, long wOffset, float[] x, int xOffset, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += toFloat(w.get(SHORT_LE, wOffset + 2L * i)) * x[xOffset + i];
        }
        return sum;
    }

    /**
     * Two accumulators over alternating vectors (the odd one out onto the first), as {@link F16Kernels}: two
     * multiply-add chains instead of one, and the same order as F16 for {@link FloatRowKernels}' prompt tiles.
     */
    public static float dotVector(MemorySegment w, long wOffset, float[] x, int xOffset, int n) {
        int lanes = FLOAT.length();
        int upper = FLOAT.loopBound(n);
        FloatVector acc0 = FloatVector.zero(FLOAT);
        FloatVector acc1 = FloatVector.zero(FLOAT);
        int i = 0;
        for (; i + 2 * lanes <= upper; i += 2 * lanes) {
            acc0 = toFloat(ShortVector.fromMemorySegment(SHORT_HALF, w, wOffset + 2L * i, LE))
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + i), acc0);
            acc1 = toFloat(ShortVector.fromMemorySegment(SHORT_HALF, w, wOffset + 2L * (i + lanes), LE))
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + i + lanes), acc1);
        }
        for (; i < upper; i += lanes) {
            acc0 = toFloat(ShortVector.fromMemorySegment(SHORT_HALF, w, wOffset + 2L * i, LE))
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + i), acc0);
        }
        float sum = Simd.sumLanes(acc0.add(acc1));
        return sum + dotScalar(w, wOffset + 2L * i, x, xOffset + i, n - i);
    }

    /** Converts {@code L} bfloat16 values ({@link Simd#SHORT_HALF}) to floats. */
    public static FloatVector toFloat(ShortVector bits) {
        IntVector h = (IntVector) bits.convertShape(VectorOperators.S2I, INT, 0);
        return h.lanewise(VectorOperators.LSHL, 16).reinterpretAsFloats();
    }
}
