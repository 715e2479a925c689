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
 * {@link F16Kernels#dotVector} and {@link BF16Kernels#dotVector}; the same tiles multiply dequantized Q8_0 rows with
 * dequantized activations ({@link UnpackedRow}).
 *
 * <p><b>Why the result is the same.</b> Both conversions to float are exact, and the unpacked row holds the very
 * floats those kernels convert on the fly ({@code toFloat} of a vector for the vector part, the scalar conversion
 * for the tail). The sums replay the kernels' order: {@link Simd#FLOAT} vectors, two accumulators over
 * alternating vectors (the odd one out onto the first), then {@link Simd#sumLanes} of their sum and the scalar
 * tail. The accumulators are independent, so {@link #dot4xN} sums them in separate passes: 16 per pass fit in
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
        if (type == QuantType.F16 && HalfConversion.LOOP) {
            HalfConversion.convert(w, wOffset, n, dst);
            return;
        }
        int lanes = FLOAT.length();
        int upper = FLOAT.loopBound(n);
        for (int i = 0; i < upper; i += lanes) {
            ShortVector h = ShortVector.fromMemorySegment(SHORT_HALF, w, wOffset + 2L * i, LE);
            (type == QuantType.F16 ? F16Kernels.toFloat(h) : BF16Kernels.toFloat(h)).intoArray(dst, i);
        }
        type.dequantizeRow(w, wOffset + 2L * upper, dst, upper, n - upper);
    }

    /** The end of the two-accumulator loop over vector pairs. */
    private static int pairedEnd(int upper) {
        return upper - upper % (2 * FLOAT.length());
    }

    /**
     * {@code n} weights already converted to {@code w[0, n)} times {@code a[off, off + n)}, in the order of the F16
     * and BF16 vector kernels: also how {@link F16Kernels} multiplies a row that {@link HalfConversion} converted.
     */
    static float dot(float[] w, float[] a, int off, int n) {
        int lanes = FLOAT.length();
        int upper = FLOAT.loopBound(n);
        int paired = pairedEnd(upper);
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
        return finish(n, w, a, off, acc0, acc1);
    }

    /**
     * Rows {@code r[0..3]} times the activations {@code a[t][off[t] ..]} for {@code t} in {@code [from, from + 4
     * tiles)}: {@code out[t][row + i] = r[i] · a[t]}, each equal to the bit to {@link #dot}. The paired vectors go
     * slice by slice ({@code slice} weights, a multiple of two vectors) over all tiles, each tile's accumulators kept
     * in memory between slices, so the rows' slice stays in L1; every accumulator still takes its vectors in order.
     */
    static void dot4xN(UnpackedRow[] r, float[][] a, int[] off, int from, int tiles, float[][] out, int row,
                       int slice) {
        int n = r[0].length();
        int lanes = FLOAT.length();
        int upper = FLOAT.loopBound(n);
        int paired = pairedEnd(upper);
        int set = 16 * lanes; // one set of a tile's 16 accumulators: acc0 of tile k at 2k set, acc1 at (2k + 1) set
        if (r[0].runningSums.length < 2 * set * tiles) r[0].runningSums = new float[2 * set * tiles];
        float[] acc = r[0].runningSums;
        Arrays.fill(acc, 0, 2 * set * tiles, 0f);
        // acc1: the odd vectors of each pair; acc0: the even ones, then the unpaired rest
        for (int s0 = 0; s0 < paired; s0 += slice) {
            int s1 = Math.min(paired, s0 + slice);
            for (int k = 0; k < tiles; k++) {
                pass(r, a, off, from + 4 * k, s0 + lanes, s1, acc, (2 * k + 1) * set);
                pass(r, a, off, from + 4 * k, s0, s1, acc, 2 * k * set);
            }
        }
        for (int k = 0; k < tiles; k++) {
            int t = from + 4 * k;
            pass(r, a, off, t, paired, upper, acc, 2 * k * set); // the unpaired vector, if any
            for (int i = 0; i < 4; i++) {
                for (int j = 0; j < 4; j++) {
                    int at = (4 * i + j) * lanes;
                    out[t + j][row + i] = finish(n, r[i].weights, a[t + j], off[t + j],
                            FloatVector.fromArray(FLOAT, acc, 2 * k * set + at),
                            FloatVector.fromArray(FLOAT, acc, (2 * k + 1) * set + at));
                }
            }
        }
    }

    /**
     * Adds the products of every other vector, at {@code from, from + 2L, ... < to}, onto the 16 accumulators at
     * {@code acc[base ..]} (row {@code i}, token {@code j} at {@code base + (4i + j) L}), in that order. The stride
     * is a constant so that C2 hoists the bounds checks of the loads out of the loop (with a stride passed in, each
     * token's load kept a check of its own).
     */
    private static void pass(UnpackedRow[] r, float[][] a, int[] off, int t, int from, int to, float[] acc,
                             int base) {
        if (from >= to) {
            return;
        }
        int lanes = FLOAT.length();
        float[] w0 = r[0].weights, w1 = r[1].weights, w2 = r[2].weights, w3 = r[3].weights;
        float[] a0 = a[t], a1 = a[t + 1], a2 = a[t + 2], a3 = a[t + 3];
        int o0 = off[t], o1 = off[t + 1], o2 = off[t + 2], o3 = off[t + 3];
        FloatVector c00 = load(acc, base, 0), c01 = load(acc, base, 1), c02 = load(acc, base, 2);
        FloatVector c03 = load(acc, base, 3), c10 = load(acc, base, 4), c11 = load(acc, base, 5);
        FloatVector c12 = load(acc, base, 6), c13 = load(acc, base, 7), c20 = load(acc, base, 8);
        FloatVector c21 = load(acc, base, 9), c22 = load(acc, base, 10), c23 = load(acc, base, 11);
        FloatVector c30 = load(acc, base, 12), c31 = load(acc, base, 13), c32 = load(acc, base, 14);
        FloatVector c33 = load(acc, base, 15);
        for (int i = from; i < to; i += 2 * lanes) {
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
        c00.intoArray(acc, base);
        c01.intoArray(acc, base + lanes);
        c02.intoArray(acc, base + 2 * lanes);
        c03.intoArray(acc, base + 3 * lanes);
        c10.intoArray(acc, base + 4 * lanes);
        c11.intoArray(acc, base + 5 * lanes);
        c12.intoArray(acc, base + 6 * lanes);
        c13.intoArray(acc, base + 7 * lanes);
        c20.intoArray(acc, base + 8 * lanes);
        c21.intoArray(acc, base + 9 * lanes);
        c22.intoArray(acc, base + 10 * lanes);
        c23.intoArray(acc, base + 11 * lanes);
        c30.intoArray(acc, base + 12 * lanes);
        c31.intoArray(acc, base + 13 * lanes);
        c32.intoArray(acc, base + 14 * lanes);
        c33.intoArray(acc, base + 15 * lanes);
    }

    private static FloatVector load(float[] acc, int base, int k) {
        return FloatVector.fromArray(FLOAT, acc, base + k * FLOAT.length());
    }

    /** The lane sum and the scalar tail, in the kernels' order. */
    private static float finish(int n, float[] w, float[] a, int off, FloatVector acc0,
                                FloatVector acc1) {
        int upper = FLOAT.loopBound(n);
        float sum = Simd.sumLanes(acc0.add(acc1));
        float tail = 0f;
        for (int i = upper; i < n; i++) {
            tail += w[i] * a[off + i];
        }
        return sum + tail;
    }
}
