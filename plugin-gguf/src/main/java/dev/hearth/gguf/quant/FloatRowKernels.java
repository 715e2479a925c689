package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Bytes.LE;
import static dev.hearth.gguf.quant.Simd.FLOAT;
import static dev.hearth.gguf.quant.Simd.SHORT_HALF;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.ShortVector;

/**
 * F16 and BF16 rows decoded by {@link UnpackedRow} into floats, times float activations, for prompt batches; the same
 * tiles multiply dequantized Q8_0 rows with dequantized activations ({@link UnpackedRow}).
 *
 * <p><b>Summation order.</b> A batch's product sums each row in one accumulator of {@link Simd#FLOAT} lanes, vector by
 * vector in row order, then {@link Simd#sumLanes} and the scalar tail: {@link #dotInOrder}, to the bit. The
 * single-token kernels ({@link F16Kernels#dotVector}, {@link BF16Kernels#dotVector}, and {@link #dot} over a converted
 * row) alternate two accumulators, which hides the multiply-add latency of a row; with one, F16 generation on the
 * 16-core Xeon fell from 35.9 to 34.3 tokens/s (2026-11-27). A tile has 16 or 24 independent accumulators already:
 * with two sets it had to run every tile twice per slice (even vectors, odd vectors) and keep twice the sums between
 * slices. Both conversions to float are exact, so the two orders differ by float rounding only.
 */
final class FloatRowKernels {

    private FloatRowKernels() {
    }

    static boolean supports(QuantType type) {
        return Simd.ENABLED && (type == QuantType.F16 || type == QuantType.BF16);
    }

    /**
     * Converts the row to {@code dst[0, n)}. F16 rows take {@link HalfConversion}'s loop on every CPU: a prompt batch
     * converts each row once for all its tokens, where the loop's stores cost nothing extra. On the 2-core Zen 5
     * workstation (2026-11-27) the vector steps took 7.6 % of an F16 prompt's samples; with the loop F16 pp512 rose
     * 3.7-8.7 % in three alternating pairs, and JMH {@code MatMulBench} (F16, batch 96, one thread) gave 114-115
     * against 107 GFLOP/s.
     */
    static void unpack(QuantType type, MemorySegment w, long wOffset, int n, float[] dst) {
        if (type == QuantType.F16) {
            HalfConversion.convert(w, wOffset, n, dst, 0);
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

    /**
     * {@code n} weights already converted to {@code w[0, n)} times {@code a[off, off + n)}, in the order of the F16
     * and BF16 vector kernels (two accumulators over alternating vectors, the odd one out onto the first): how
     * {@link F16Kernels} multiplies a row that {@link HalfConversion} converted.
     */
    static float dot(float[] w, float[] a, int off, int n) {
        int lanes = FLOAT.length();
        int upper = FLOAT.loopBound(n);
        int paired = upper - upper % (2 * lanes);
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
        return finish(n, w, a, off, acc0.add(acc1));
    }

    /** {@code w[0, n)} times {@code a[off, off + n)} in one accumulator, vector by vector, as {@link #dotTiles} sums. */
    static float dotInOrder(float[] w, float[] a, int off, int n) {
        int lanes = FLOAT.length();
        int upper = FLOAT.loopBound(n);
        FloatVector acc = FloatVector.zero(FLOAT);
        for (int i = 0; i < upper; i += lanes) {
            acc = FloatVector.fromArray(FLOAT, w, i).fma(FloatVector.fromArray(FLOAT, a, off + i), acc);
        }
        return finish(n, w, a, off, acc);
    }

    /**
     * Rows {@code r[0 .. 4 quads)} times the activations {@code a[t][off[t] ..]} for {@code t} in {@code [from, to)}:
     * {@code out[t][row + i] = r[i] · a[t]}, each equal to the bit to {@link #dotInOrder}. Tokens go in tiles of
     * {@code tokens} (6 or 4; {@link PromptTile#FLOAT_TOKENS}), the last of which repeats the last token in its empty
     * places and drops their sums; each tile multiplies four rows at a time. A tile of 6 lets each activation load
     * serve 4 multiply-adds and each weight load 6. No token takes a path of its own, and every tile of a call has
     * the same width: a path taken once in a while is compiled as a trap. Each trap ran the rest of the call in the
     * interpreter, where the Vector API allocates every vector (the 16-core Xeon's JFR, 2026-11-27): first the
     * single-token path of the tokens after the last full tile, then the 4-token tile that once took a 6-token
     * call's last tokens, whose trap fired in the first measured pp512 run, at its last batch of 32 tokens.
     *
     * <p>The vectors go slice by slice ({@code slice} weights, a multiple of the vector length): per slice, each
     * token tile's activations serve all the quads of rows while they are in L1, so the activations stream from the
     * outer caches once per {@code 4 quads} rows. Each tile's sums are kept in memory between slices, so every
     * accumulator still takes its vectors in order.
     */
    static void dotTiles(UnpackedRow[] r, int quads, float[][] a, int[] off, int from, int to, float[][] out, int row,
                         int slice, int tokens) {
        if (tokens != 4 && tokens != 6) throw new IllegalArgumentException("tiles of " + tokens + " tokens");
        int n = r[0].length();
        int lanes = FLOAT.length();
        int upper = FLOAT.loopBound(n);
        int tiled = from + tokens * ((to - from + tokens - 1) / tokens);
        int last = to - 1;
        // a tile's sums: 4 rows by `tokens` tokens of L lanes a quad, so 4 rows of L lanes a quad per token
        int quadSums = 4 * lanes * tokens;
        int perToken = 4 * lanes * quads;
        int sums = perToken * (tiled - from);
        if (r[0].runningSums.length < sums) r[0].runningSums = new float[sums];
        float[] acc = r[0].runningSums;
        Arrays.fill(acc, 0, sums, 0f);
        for (int s0 = 0; s0 < upper; s0 += slice) {
            int s1 = Math.min(upper, s0 + slice);
            for (int t = from; t < tiled; t += tokens) {
                for (int q = 0; q < quads; q++) {
                    tilePass(r, q, a, off, t, tokens, last, s0, s1, acc, perToken * (t - from) + quadSums * q);
                }
            }
        }
        for (int t = from; t < tiled; t += tokens) {
            for (int q = 0; q < quads; q++) {
                finishTile(r, q, a, off, t, Math.min(tokens, to - t), tokens, acc,
                        perToken * (t - from) + quadSums * q, out, row);
            }
        }
    }

    /**
     * Writes the products of tile {@code t} (width {@code w}, of which the first {@code real} tokens are real) and quad
     * {@code q} from their sums at {@code acc[base ..]}.
     */
    private static void finishTile(UnpackedRow[] r, int q, float[][] a, int[] off, int t, int real, int w,
                                   float[] acc, int base, float[][] out, int row) {
        int lanes = FLOAT.length();
        int n = r[0].length();
        for (int i = 0; i < 4; i++) {
            float[] weights = r[4 * q + i].weights;
            for (int j = 0; j < real; j++) {
                out[t + j][row + 4 * q + i] = finish(n, weights, a[t + j], off[t + j],
                        FloatVector.fromArray(FLOAT, acc, base + (w * i + j) * lanes));
            }
        }
    }

    private static void tilePass(UnpackedRow[] r, int quad, float[][] a, int[] off, int t, int tokens, int last,
                                 int from, int to, float[] acc, int base) {
        if (tokens == 6) {
            pass6(r, quad, a, off, t, last, from, to, acc, base);
        } else {
            pass(r, quad, a, off, t, last, from, to, acc, base);
        }
    }

    /**
     * Adds the products of the vectors at {@code from, from + L, ... < to} of rows {@code r[4 quad .. 4 quad + 3]}
     * onto the 16 accumulators at {@code acc[base ..]} (row {@code i}, token {@code j} at
     * {@code base + (4i + j) L}), in that order; tokens past {@code last} are {@code last} again. The stride is a
     * constant so that C2 hoists the bounds checks of the loads out of the loop (with a stride passed in, each
     * token's load kept a check of its own).
     */
    private static void pass(UnpackedRow[] r, int quad, float[][] a, int[] off, int t, int last, int from, int to,
                             float[] acc, int base) {
        if (from >= to) {
            return;
        }
        int lanes = FLOAT.length();
        float[] w0 = r[4 * quad].weights, w1 = r[4 * quad + 1].weights;
        float[] w2 = r[4 * quad + 2].weights, w3 = r[4 * quad + 3].weights;
        // a tile past the last token repeats it
        int t1 = Math.min(t + 1, last), t2 = Math.min(t + 2, last), t3 = Math.min(t + 3, last);
        float[] a0 = a[t], a1 = a[t1], a2 = a[t2], a3 = a[t3];
        int o0 = off[t], o1 = off[t1], o2 = off[t2], o3 = off[t3];
        FloatVector c00 = load(acc, base, 0), c01 = load(acc, base, 1), c02 = load(acc, base, 2);
        FloatVector c03 = load(acc, base, 3), c10 = load(acc, base, 4), c11 = load(acc, base, 5);
        FloatVector c12 = load(acc, base, 6), c13 = load(acc, base, 7), c20 = load(acc, base, 8);
        FloatVector c21 = load(acc, base, 9), c22 = load(acc, base, 10), c23 = load(acc, base, 11);
        FloatVector c30 = load(acc, base, 12), c31 = load(acc, base, 13), c32 = load(acc, base, 14);
        FloatVector c33 = load(acc, base, 15);
        for (int i = from; i < to; i += lanes) {
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

    /**
     * {@link #pass} for 4 rows by 6 tokens: 24 accumulators, 4 weight vectors and one activation vector, 29 of the 32
     * vector registers of AVX-512 (row {@code i}, token {@code j} at {@code base + (6i + j) L}).
     */
    private static void pass6(UnpackedRow[] r, int quad, float[][] a, int[] off, int t, int last, int from, int to,
                              float[] acc, int base) {
        if (from >= to) {
            return;
        }
        int lanes = FLOAT.length();
        float[] w0 = r[4 * quad].weights, w1 = r[4 * quad + 1].weights;
        float[] w2 = r[4 * quad + 2].weights, w3 = r[4 * quad + 3].weights;
        // a tile past the last token repeats it
        int t1 = Math.min(t + 1, last), t2 = Math.min(t + 2, last), t3 = Math.min(t + 3, last);
        int t4 = Math.min(t + 4, last), t5 = Math.min(t + 5, last);
        float[] a0 = a[t], a1 = a[t1], a2 = a[t2], a3 = a[t3], a4 = a[t4], a5 = a[t5];
        int o0 = off[t], o1 = off[t1], o2 = off[t2], o3 = off[t3], o4 = off[t4], o5 = off[t5];
        FloatVector c00 = load(acc, base, 0), c01 = load(acc, base, 1), c02 = load(acc, base, 2);
        FloatVector c03 = load(acc, base, 3), c04 = load(acc, base, 4), c05 = load(acc, base, 5);
        FloatVector c10 = load(acc, base, 6), c11 = load(acc, base, 7), c12 = load(acc, base, 8);
        FloatVector c13 = load(acc, base, 9), c14 = load(acc, base, 10), c15 = load(acc, base, 11);
        FloatVector c20 = load(acc, base, 12), c21 = load(acc, base, 13), c22 = load(acc, base, 14);
        FloatVector c23 = load(acc, base, 15), c24 = load(acc, base, 16), c25 = load(acc, base, 17);
        FloatVector c30 = load(acc, base, 18), c31 = load(acc, base, 19), c32 = load(acc, base, 20);
        FloatVector c33 = load(acc, base, 21), c34 = load(acc, base, 22), c35 = load(acc, base, 23);
        for (int i = from; i < to; i += lanes) {
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
            FloatVector y4 = FloatVector.fromArray(FLOAT, a4, o4 + i);
            c04 = v0.fma(y4, c04);
            c14 = v1.fma(y4, c14);
            c24 = v2.fma(y4, c24);
            c34 = v3.fma(y4, c34);
            FloatVector y5 = FloatVector.fromArray(FLOAT, a5, o5 + i);
            c05 = v0.fma(y5, c05);
            c15 = v1.fma(y5, c15);
            c25 = v2.fma(y5, c25);
            c35 = v3.fma(y5, c35);
        }
        // stored one by one: an array of vectors would box them
        c00.intoArray(acc, base);
        c01.intoArray(acc, base + lanes);
        c02.intoArray(acc, base + 2 * lanes);
        c03.intoArray(acc, base + 3 * lanes);
        c04.intoArray(acc, base + 4 * lanes);
        c05.intoArray(acc, base + 5 * lanes);
        c10.intoArray(acc, base + 6 * lanes);
        c11.intoArray(acc, base + 7 * lanes);
        c12.intoArray(acc, base + 8 * lanes);
        c13.intoArray(acc, base + 9 * lanes);
        c14.intoArray(acc, base + 10 * lanes);
        c15.intoArray(acc, base + 11 * lanes);
        c20.intoArray(acc, base + 12 * lanes);
        c21.intoArray(acc, base + 13 * lanes);
        c22.intoArray(acc, base + 14 * lanes);
        c23.intoArray(acc, base + 15 * lanes);
        c24.intoArray(acc, base + 16 * lanes);
        c25.intoArray(acc, base + 17 * lanes);
        c30.intoArray(acc, base + 18 * lanes);
        c31.intoArray(acc, base + 19 * lanes);
        c32.intoArray(acc, base + 20 * lanes);
        c33.intoArray(acc, base + 21 * lanes);
        c34.intoArray(acc, base + 22 * lanes);
        c35.intoArray(acc, base + 23 * lanes);
    }

    private static FloatVector load(float[] acc, int base, int k) {
        return FloatVector.fromArray(FLOAT, acc, base + k * FLOAT.length());
    }

    /** The lane sum of {@code acc} and the scalar tail, in the kernels' order. */
    private static float finish(int n, float[] w, float[] a, int off, FloatVector acc) {
        int upper = FLOAT.loopBound(n);
        float sum = Simd.sumLanes(acc);
        float tail = 0f;
        for (int i = upper; i < n; i++) {
            tail += w[i] * a[off + i];
        }
        return sum + tail;
    }
}
