package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Simd.FLOAT;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * 16 float rows ({@link UnpackedRow}: F16, BF16, Q8_0) times a prompt batch turned on its side ({@link TokenPanel}):
 * each weight, broadcast, is multiplied with {@code L} tokens at once, so every product is one chain of
 * multiply-adds in weight order and none ends in a sum across lanes ({@link #dotInOrder} is that order).
 *
 * <p>Why not {@link FloatRowKernels#dotTiles}: there a tile multiplies rows with tokens element-wise and each product
 * ends in a sum across lanes, and 4 rows by 6 tokens' arrays take more general registers than x86 has, so C2 spills
 * one running sum to the stack inside the loop. One Zen 5 thread with everything in L1 (2026-11-27): that tile 108
 * GFLOP/s, 4 rows by 4 tokens 165, these kernels 205-215 (the core's peak 220-224).
 */
final class PanelKernels {

    /**
     * Weights per slice. One Zen 5 thread, 16-row groups of F16 rows unpacked and multiplied with 96 tokens
     * (2026-11-27): 5632 x 2048 at 126 GFLOP/s with slices of 1024, 142 with 2048 (the whole row); 2048 x 5632 at 119
     * with 1024, 126 with 2048, 120 with no slices.
     */
    static final int SLICE = 2048;

    private PanelKernels() {
    }

    /**
     * {@code w[0, n)} times {@code a[off, off + n)} as a panel kernel sums it: one multiply-add a weight, in order,
     * from zero.
     */
    static float dotInOrder(float[] w, float[] a, int off, int n) {
        float sum = 0f;
        for (int k = 0; k < n; k++) {
            sum = Math.fma(a[off + k], w[k], sum);
        }
        return sum;
    }

    /**
     * {@code out[t][row + i] = r[i] · token t} for the 16 rows {@code r[0 .. 15]} and every token of the panel, each
     * equal to the bit to {@link #dotInOrder}. Slice by slice of the weights, each tile of the panel meets both halves
     * of the rows (8 rows each); the running sums stay in {@code r[0]}'s scratch between slices.
     */
    static void multiply(UnpackedRow[] r, TokenPanel p, float[][] out, int row) {
        int n = r[0].length();
        if (p.n != n || (p.type == QuantType.Q8_0) != (r[0].type() == QuantType.Q8_0)) {
            throw new IllegalArgumentException("a panel of " + p.type + " x " + p.n + " for rows of " + r[0].type()
                    + " x " + n);
        }
        int lanes = FLOAT.length();
        int groups = TokenPanel.groups(p.to - p.from);
        int sums = 16 * groups * lanes;
        if (r[0].runningSums.length < sums) r[0].runningSums = new float[sums];
        float[] acc = r[0].runningSums;
        Arrays.fill(acc, 0, sums, 0f);
        for (int k0 = 0; k0 < n; k0 += SLICE) {
            int k1 = Math.min(n, k0 + SLICE);
            for (int g = 0, v; g < groups; g += v) {
                v = TokenPanel.tileGroups(groups - g);
                int base = g * lanes * n;
                for (int half = 0; half < 16; half += 8) {
                    int at = (16 * g + half * v) * lanes;
                    if (v == 3) {
                        panel8x3(r, half, p.data, base, k0, k1, acc, at);
                    } else {
                        panel8x2(r, half, p.data, base, k0, k1, acc, at);
                    }
                }
            }
        }
        for (int g = 0, v; g < groups; g += v) {
            v = TokenPanel.tileGroups(groups - g);
            for (int i = 0; i < 16; i++) {
                // row i: half i / 8, row i % 8 of it
                int at = (16 * g + (i / 8) * 8 * v + (i % 8) * v) * lanes;
                for (int j = 0; j < v * lanes; j++) {
                    int t = p.from + g * lanes + j;
                    if (t < p.to) out[t][row + i] = acc[at + j];
                }
            }
        }
    }

    private static FloatVector sum(float[] acc, int at, int k) {
        return FloatVector.fromArray(FLOAT, acc, at + k * FLOAT.length());
    }

    /**
     * Adds weights {@code [k0, k1)} of rows {@code r[first .. first + 7]} times the panel's tile at {@code p[base ..]}
     * (3 vectors of tokens, {@link TokenPanel}) onto the 24 running sums at {@code acc[at ..]} (row {@code i}, vector
     * {@code v} at {@code at + (3i + v) L}), one multiply-add a weight, in weight order. 24 sums, 3 token vectors and
     * a broadcast weight take 28 of the 32 vector registers of AVX-512; 8 rows and one panel pointer keep the loop's
     * addresses in the general registers (a tile of 4 rows by 6 tokens' own arrays spilled one, and with it one sum).
     */
    private static void panel8x3(UnpackedRow[] r, int first, float[] p, int base, int k0, int k1, float[] acc,
                                 int at) {
        int lanes = FLOAT.length();
        float[] w0 = r[first].weights, w1 = r[first + 1].weights, w2 = r[first + 2].weights;
        float[] w3 = r[first + 3].weights, w4 = r[first + 4].weights, w5 = r[first + 5].weights;
        float[] w6 = r[first + 6].weights, w7 = r[first + 7].weights;
        FloatVector c00 = sum(acc, at, 0), c01 = sum(acc, at, 1), c02 = sum(acc, at, 2);
        FloatVector c10 = sum(acc, at, 3), c11 = sum(acc, at, 4), c12 = sum(acc, at, 5);
        FloatVector c20 = sum(acc, at, 6), c21 = sum(acc, at, 7), c22 = sum(acc, at, 8);
        FloatVector c30 = sum(acc, at, 9), c31 = sum(acc, at, 10), c32 = sum(acc, at, 11);
        FloatVector c40 = sum(acc, at, 12), c41 = sum(acc, at, 13), c42 = sum(acc, at, 14);
        FloatVector c50 = sum(acc, at, 15), c51 = sum(acc, at, 16), c52 = sum(acc, at, 17);
        FloatVector c60 = sum(acc, at, 18), c61 = sum(acc, at, 19), c62 = sum(acc, at, 20);
        FloatVector c70 = sum(acc, at, 21), c71 = sum(acc, at, 22), c72 = sum(acc, at, 23);
        for (int k = k0, i = base + 3 * lanes * k0; k < k1; k++, i += 3 * lanes) {
            FloatVector x0 = FloatVector.fromArray(FLOAT, p, i);
            FloatVector x1 = FloatVector.fromArray(FLOAT, p, i + lanes);
            FloatVector x2 = FloatVector.fromArray(FLOAT, p, i + 2 * lanes);
            FloatVector b0 = FloatVector.broadcast(FLOAT, w0[k]);
            c00 = x0.fma(b0, c00); c01 = x1.fma(b0, c01); c02 = x2.fma(b0, c02);
            FloatVector b1 = FloatVector.broadcast(FLOAT, w1[k]);
            c10 = x0.fma(b1, c10); c11 = x1.fma(b1, c11); c12 = x2.fma(b1, c12);
            FloatVector b2 = FloatVector.broadcast(FLOAT, w2[k]);
            c20 = x0.fma(b2, c20); c21 = x1.fma(b2, c21); c22 = x2.fma(b2, c22);
            FloatVector b3 = FloatVector.broadcast(FLOAT, w3[k]);
            c30 = x0.fma(b3, c30); c31 = x1.fma(b3, c31); c32 = x2.fma(b3, c32);
            FloatVector b4 = FloatVector.broadcast(FLOAT, w4[k]);
            c40 = x0.fma(b4, c40); c41 = x1.fma(b4, c41); c42 = x2.fma(b4, c42);
            FloatVector b5 = FloatVector.broadcast(FLOAT, w5[k]);
            c50 = x0.fma(b5, c50); c51 = x1.fma(b5, c51); c52 = x2.fma(b5, c52);
            FloatVector b6 = FloatVector.broadcast(FLOAT, w6[k]);
            c60 = x0.fma(b6, c60); c61 = x1.fma(b6, c61); c62 = x2.fma(b6, c62);
            FloatVector b7 = FloatVector.broadcast(FLOAT, w7[k]);
            c70 = x0.fma(b7, c70); c71 = x1.fma(b7, c71); c72 = x2.fma(b7, c72);
        }
        // stored one by one: an array of vectors would box them
        c00.intoArray(acc, at);
        c01.intoArray(acc, at + lanes);
        c02.intoArray(acc, at + 2 * lanes);
        c10.intoArray(acc, at + 3 * lanes);
        c11.intoArray(acc, at + 4 * lanes);
        c12.intoArray(acc, at + 5 * lanes);
        c20.intoArray(acc, at + 6 * lanes);
        c21.intoArray(acc, at + 7 * lanes);
        c22.intoArray(acc, at + 8 * lanes);
        c30.intoArray(acc, at + 9 * lanes);
        c31.intoArray(acc, at + 10 * lanes);
        c32.intoArray(acc, at + 11 * lanes);
        c40.intoArray(acc, at + 12 * lanes);
        c41.intoArray(acc, at + 13 * lanes);
        c42.intoArray(acc, at + 14 * lanes);
        c50.intoArray(acc, at + 15 * lanes);
        c51.intoArray(acc, at + 16 * lanes);
        c52.intoArray(acc, at + 17 * lanes);
        c60.intoArray(acc, at + 18 * lanes);
        c61.intoArray(acc, at + 19 * lanes);
        c62.intoArray(acc, at + 20 * lanes);
        c70.intoArray(acc, at + 21 * lanes);
        c71.intoArray(acc, at + 22 * lanes);
        c72.intoArray(acc, at + 23 * lanes);
    }

    /**
     * {@link #panel8x3} for 2 vectors of tokens: 16 accumulators.
     */
    private static void panel8x2(UnpackedRow[] r, int first, float[] p, int base, int k0, int k1, float[] acc,
                                 int at) {
        int lanes = FLOAT.length();
        float[] w0 = r[first].weights, w1 = r[first + 1].weights, w2 = r[first + 2].weights;
        float[] w3 = r[first + 3].weights, w4 = r[first + 4].weights, w5 = r[first + 5].weights;
        float[] w6 = r[first + 6].weights, w7 = r[first + 7].weights;
        FloatVector c00 = sum(acc, at, 0), c01 = sum(acc, at, 1), c10 = sum(acc, at, 2);
        FloatVector c11 = sum(acc, at, 3), c20 = sum(acc, at, 4), c21 = sum(acc, at, 5);
        FloatVector c30 = sum(acc, at, 6), c31 = sum(acc, at, 7), c40 = sum(acc, at, 8);
        FloatVector c41 = sum(acc, at, 9), c50 = sum(acc, at, 10), c51 = sum(acc, at, 11);
        FloatVector c60 = sum(acc, at, 12), c61 = sum(acc, at, 13), c70 = sum(acc, at, 14);
        FloatVector c71 = sum(acc, at, 15);
        for (int k = k0, i = base + 2 * lanes * k0; k < k1; k++, i += 2 * lanes) {
            FloatVector x0 = FloatVector.fromArray(FLOAT, p, i);
            FloatVector x1 = FloatVector.fromArray(FLOAT, p, i + lanes);
            FloatVector b0 = FloatVector.broadcast(FLOAT, w0[k]);
            c00 = x0.fma(b0, c00); c01 = x1.fma(b0, c01);
            FloatVector b1 = FloatVector.broadcast(FLOAT, w1[k]);
            c10 = x0.fma(b1, c10); c11 = x1.fma(b1, c11);
            FloatVector b2 = FloatVector.broadcast(FLOAT, w2[k]);
            c20 = x0.fma(b2, c20); c21 = x1.fma(b2, c21);
            FloatVector b3 = FloatVector.broadcast(FLOAT, w3[k]);
            c30 = x0.fma(b3, c30); c31 = x1.fma(b3, c31);
            FloatVector b4 = FloatVector.broadcast(FLOAT, w4[k]);
            c40 = x0.fma(b4, c40); c41 = x1.fma(b4, c41);
            FloatVector b5 = FloatVector.broadcast(FLOAT, w5[k]);
            c50 = x0.fma(b5, c50); c51 = x1.fma(b5, c51);
            FloatVector b6 = FloatVector.broadcast(FLOAT, w6[k]);
            c60 = x0.fma(b6, c60); c61 = x1.fma(b6, c61);
            FloatVector b7 = FloatVector.broadcast(FLOAT, w7[k]);
            c70 = x0.fma(b7, c70); c71 = x1.fma(b7, c71);
        }
        // stored one by one: an array of vectors would box them
        c00.intoArray(acc, at);
        c01.intoArray(acc, at + lanes);
        c10.intoArray(acc, at + 2 * lanes);
        c11.intoArray(acc, at + 3 * lanes);
        c20.intoArray(acc, at + 4 * lanes);
        c21.intoArray(acc, at + 5 * lanes);
        c30.intoArray(acc, at + 6 * lanes);
        c31.intoArray(acc, at + 7 * lanes);
        c40.intoArray(acc, at + 8 * lanes);
        c41.intoArray(acc, at + 9 * lanes);
        c50.intoArray(acc, at + 10 * lanes);
        c51.intoArray(acc, at + 11 * lanes);
        c60.intoArray(acc, at + 12 * lanes);
        c61.intoArray(acc, at + 13 * lanes);
        c70.intoArray(acc, at + 14 * lanes);
        c71.intoArray(acc, at + 15 * lanes);
    }
}
