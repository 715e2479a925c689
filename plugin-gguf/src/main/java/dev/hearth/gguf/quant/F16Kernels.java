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

/**
 * GGML_TYPE_F16 (id 1): IEEE 754 binary16.
 *
 * <p>Scalar conversion is {@link Float#float16ToFloat} (an intrinsic). JDK 25's incubating Vector API has no
 * half-to-float lane conversion, so {@link #toFloat(ShortVector)} rebuilds the float bits with integer ops:
 * normal halves by shifting and re-biasing the exponent, subnormals through an exact int-to-float conversion
 * (no subnormal float arithmetic), infinities and NaNs by setting the float exponent to all ones.
 */
public final class F16Kernels {

    public static final int TYPE_SIZE = 2;

    private F16Kernels() {
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        for (int i = 0; i < n; i++) {
            dst[dstOffset + i] = Float.float16ToFloat(src.get(SHORT_LE, byteOffset + 2L * i));
        }
    }

    public static float dotScalar(MemorySegment w, long wOffset, float[] x, int xOffset, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += Float.float16ToFloat(w.get(SHORT_LE, wOffset + 2L * i)) * x[xOffset + i];
        }
        return sum;
    }

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

    /** Converts {@code L} halves ({@link Simd#SHORT_HALF}) to {@code L} floats, exactly. */
    public static FloatVector toFloat(ShortVector halves) {
        IntVector h = (IntVector) halves.convertShape(VectorOperators.S2I, INT, 0);
        IntVector magnitude = h.and(0x7FFF);
        IntVector shifted = magnitude.lanewise(VectorOperators.LSHL, 13);
        // normal: exponent bias 15 -> 127
        IntVector bits = shifted.add(112 << 23);
        // subnormal (exponent 0): value = mantissa * 2^-24, exact in float
        FloatVector subnormal = Simd.toFloat(magnitude).mul(0x1p-24f);
        bits = bits.blend(subnormal.reinterpretAsInts(), magnitude.compare(VectorOperators.LT, 0x0400));
        // infinity and NaN (exponent 31): float exponent 255, mantissa kept
        bits = bits.blend(shifted.or(0x7F800000), magnitude.compare(VectorOperators.GE, 0x7C00));
        IntVector sign = h.and(0x8000).lanewise(VectorOperators.LSHL, 16);
        return bits.or(sign).reinterpretAsFloats();
    }
}
