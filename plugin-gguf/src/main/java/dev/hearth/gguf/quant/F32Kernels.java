package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.FLOAT_LE;
import static dev.hearth.gguf.quant.Bytes.LE;
import static dev.hearth.gguf.quant.Simd.FLOAT;

import java.lang.foreign.MemorySegment;
import jdk.incubator.vector.FloatVector;

/** GGML_TYPE_F32 (id 0): little-endian IEEE floats. */
public final class F32Kernels {

    public static final int TYPE_SIZE = 4;

    private F32Kernels() {
    }

    public static void dequantizeRow(MemorySegment src, long byteOffset, float[] dst, int dstOffset, int n) {
        MemorySegment.copy(src, FLOAT_LE, byteOffset, dst, dstOffset, n);
    }

    public static float dotScalar(MemorySegment w, long wOffset, float[] x, int xOffset, int n) {
        float sum = 0f;
        for (int i = 0; i < n; i++) {
            sum += w.get(FLOAT_LE, wOffset + 4L * i) * x[xOffset + i];
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
            acc0 = FloatVector.fromMemorySegment(FLOAT, w, wOffset + 4L * i, LE)
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + i), acc0);
            acc1 = FloatVector.fromMemorySegment(FLOAT, w, wOffset + 4L * (i + lanes), LE)
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + i + lanes), acc1);
        }
        for (; i < upper; i += lanes) {
            acc0 = FloatVector.fromMemorySegment(FLOAT, w, wOffset + 4L * i, LE)
                    .fma(FloatVector.fromArray(FLOAT, x, xOffset + i), acc0);
        }
        float sum = Simd.sumLanes(acc0.add(acc1));
        return sum + dotScalar(w, wOffset + 4L * i, x, xOffset + i, n - i);
    }
}
