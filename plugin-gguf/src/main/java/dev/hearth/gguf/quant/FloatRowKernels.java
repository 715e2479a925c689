package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.LE;
import static dev.hearth.gguf.quant.Simd.FLOAT;
import static dev.hearth.gguf.quant.Simd.SHORT_HALF;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

/**
 * F16 and BF16 rows decoded by {@link UnpackedRow} into floats, times float activations, equal to the bit to
 * {@link F16Kernels#dotVector} and {@link BF16Kernels#dotVector}.
 *
 * <p><b>Why the result is the same.</b> Both conversions to float are exact, and the unpacked row holds the very
 * floats those kernels convert on the fly ({@code toFloat} of a vector for the vector part, the scalar conversion
 * for the tail). The sums replay the kernels' order: {@link Simd#FLOAT} vectors, F16 with two accumulators over
 * alternating vectors (the odd one out onto the first), BF16 with one, then {@link Simd#sumLanes} and the scalar
 * tail. The accumulators are independent, so {@link #dot4x4} sums them in separate passes: 16 per pass fit in
 * registers where 32 would spill.
 */
final class FloatRowKernels {

    private FloatRowKernels() {
    }

    static boolean supports(QuantType type) {
        return Simd.ENABLED && (type == QuantType.F16 || type == QuantType.BF16);
    }

    /** Converts the row to {@code dst[0, n)} with the conversions the dot kernel uses. */
    static void unpack(QuantType type, MemorySegment w, long wOffset, int n, float[] dst) {
        int lanes = FLOAT.length();
        int upper = FLOAT.loopBound(n);
        for (int i = 0; i < upper; i += lanes) {
            ShortVector h = ShortVector.fromMemorySegment(SHORT_HALF, w, wOffset + 2L * i, LE);
            (type == QuantType.F16 ? F16Kernels.toFloat(h) : BF16Kernels.toFloat(h)).intoArray(dst, i);
        }
        type.dequantizeRow(w, wOffset + 2L * upper, dst, upper, n - upper);
    }

    /** The end of the two-accumulator loop: F16 alternates over vector pairs, BF16 has none. */
    private static int pairedEnd(QuantType type, int upper) {
        return type == QuantType.F16 ? upper - upper % (2 * FLOAT.length()) : 0;
    }

    static float dot(UnpackedRow row, Activation x) {
        int n = checkLength(row, x);
        float[] w = row.weights;
        float[] a = x.values();
        int off = x.offset();
        int lanes = FLOAT.length();
        int upper = FLOAT.loopBound(n);
        int paired = pairedEnd(row.type(), upper);
        FloatVector acc0 = FloatVector.zero(FLOAT);
        FloatVector acc1 = FloatVector.zero(FLOAT);
        int i = 0;
        for (; i < paired; i += 2 * lanes) {
            acc0 = FloatVector.fromArray(FLOAT, w, i).fma(FloatVector.fromArray(FLOAT, a, off + i), acc0);
            acc1 = FloatVector.fromArray(FLOAT, w, i + lanes)
                    .fma(FloatVector.fromArray(FLOAT, a, off + i + lanes), acc1);
        }
        for (; i < upper; i += lanes) {
            acc0 = FloatVector.fromArray(FLOAT, w, i).fma(FloatVector.fromArray(FLOAT, a, off + i), acc0);
        }
        return finish(row, w, a, off, acc0, acc1);
    }

    /**
     * Rows {@code r[0..3]} times activations {@code x[t..t+3]}: {@code out[t + j][row + i] = r[i] · x[t + j]}, each
     * equal to the bit to {@link #dot}.
     */
    static void dot4x4(UnpackedRow[] r, Activation[] x, int t, float[][] out, int row) {
        int n = r[0].length();
        for (int j = 0; j < 4; j++) checkLength(r[0], x[t + j]);
        int lanes = FLOAT.length();
        int upper = FLOAT.loopBound(n);
        int paired = pairedEnd(r[0].type(), upper);
        float[] acc0 = r[0].tile(0);
        float[] acc1 = r[0].tile(1);
        Arrays.fill(acc0, 0f);
        Arrays.fill(acc1, 0f);
        // acc1: the odd vectors of each pair; acc0: the even ones, then the unpaired rest
        pass(r, x, t, lanes, 2 * lanes, paired, acc1);
        pass(r, x, t, 0, 2 * lanes, paired, acc0);
        pass(r, x, t, paired, lanes, upper, acc0);
        for (int i = 0; i < 4; i++) {
            for (int j = 0; j < 4; j++) {
                int k = (4 * i + j) * lanes;
                Activation xj = x[t + j];
                out[t + j][row + i] = finish(r[i], r[i].weights, xj.values(), xj.offset(),
                        FloatVector.fromArray(FLOAT, acc0, k), FloatVector.fromArray(FLOAT, acc1, k));
            }
        }
    }

    /**
     * Adds the products of the vectors at {@code from, from + step, ... < to} onto the 16 accumulators in
     * {@code acc} (row {@code i}, token {@code j} at {@code (4i + j) L}), in that order.
     */
    private static void pass(UnpackedRow[] r, Activation[] x, int t, int from, int step, int to, float[] acc) {
        if (from >= to) {
            return;
        }
        int lanes = FLOAT.length();
        float[] w0 = r[0].weights, w1 = r[1].weights, w2 = r[2].weights, w3 = r[3].weights;
        float[] a0 = x[t].values(), a1 = x[t + 1].values(), a2 = x[t + 2].values(), a3 = x[t + 3].values();
        int o0 = x[t].offset(), o1 = x[t + 1].offset(), o2 = x[t + 2].offset(), o3 = x[t + 3].offset();
        FloatVector c00 = load(acc, 0), c01 = load(acc, 1), c02 = load(acc, 2), c03 = load(acc, 3);
        FloatVector c10 = load(acc, 4), c11 = load(acc, 5), c12 = load(acc, 6), c13 = load(acc, 7);
        FloatVector c20 = load(acc, 8), c21 = load(acc, 9), c22 = load(acc, 10), c23 = load(acc, 11);
        FloatVector c30 = load(acc, 12), c31 = load(acc, 13), c32 = load(acc, 14), c33 = load(acc, 15);
        for (int i = from; i < to; i += step) {
            FloatVector v0 = FloatVector.fromArray(FLOAT, w0, i);
            FloatVector v1 = FloatVector.fromArray(FLOAT, w1, i);
            FloatVector v2 = FloatVector.fromArray(FLOAT, w2, i);
            FloatVector v3 = FloatVector.fromArray(FLOAT, w3, i);
            FloatVector y0 = FloatVector.fromArray(FLOAT, a0, o0 + i);
            c00 = v0.fma(y0, c00);
            c10 = v1.fma(y0, c10);
            c20 = v2.fma(y0, c20);
            c30 = v3.fma(y0, c30);
            FloatVector y1 = FloatVector.fromArray(FLOAT, a1, o1 + i);
            c01 = v0.fma(y1, c01);
            c11 = v1.fma(y1, c11);
            c21 = v2.fma(y1, c21);
            c31 = v3.fma(y1, c31);
            FloatVector y2 = FloatVector.fromArray(FLOAT, a2, o2 + i);
            c02 = v0.fma(y2, c02);
            c12 = v1.fma(y2, c12);
            c22 = v2.fma(y2, c22);
            c32 = v3.fma(y2, c32);
            FloatVector y3 = FloatVector.fromArray(FLOAT, a3, o3 + i);
            c03 = v0.fma(y3, c03);
            c13 = v1.fma(y3, c13);
            c23 = v2.fma(y3, c23);
            c33 = v3.fma(y3, c33);
        }
        // stored one by one: an array of vectors would box them
        c00.intoArray(acc, 0);
        c01.intoArray(acc, lanes);
        c02.intoArray(acc, 2 * lanes);
        c03.intoArray(acc, 3 * lanes);
        c10.intoArray(acc, 4 * lanes);
        c11.intoArray(acc, 5 * lanes);
        c12.intoArray(acc, 6 * lanes);
        c13.intoArray(acc, 7 * lanes);
        c20.intoArray(acc, 8 * lanes);
        c21.intoArray(acc, 9 * lanes);
        c22.intoArray(acc, 10 * lanes);
        c23.intoArray(acc, 11 * lanes);
        c30.intoArray(acc, 12 * lanes);
        c31.intoArray(acc, 13 * lanes);
        c32.intoArray(acc, 14 * lanes);
        c33.intoArray(acc, 15 * lanes);
    }

    private static FloatVector load(float[] acc, int k) {
        return FloatVector.fromArray(FLOAT, acc, k * FLOAT.length());
    }

    /** The lane sum and the scalar tail, in the kernels' order ({@code acc1} is zero for BF16 and not added). */
    private static float finish(UnpackedRow row, float[] w, float[] a, int off, FloatVector acc0, FloatVector acc1) {
        int n = row.length();
        int upper = FLOAT.loopBound(n);
        float sum = Simd.sumLanes(row.type() == QuantType.F16 ? acc0.add(acc1) : acc0);
        float tail = 0f;
        for (int i = upper; i < n; i++) {
            tail += w[i] * a[off + i];
        }
        return sum + tail;
    }

    private static int checkLength(UnpackedRow row, Activation x) {
        if (x.length() != row.length()) {
            throw new IllegalArgumentException("activation length " + x.length() + " != row length " + row.length());
        }
        return row.length();
    }
}
