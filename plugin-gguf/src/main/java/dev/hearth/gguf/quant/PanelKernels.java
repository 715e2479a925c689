package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Simd.FLOAT;

import java.util.Arrays;
import jdk.incubator.vector.FloatVector;

/**
 * Float rows ({@link UnpackedRow}: F16, BF16, Q8_0) times a prompt batch turned on its side ({@link TokenPanel}):
 * each weight, broadcast, is multiplied with {@code L} tokens at once, so every product is one chain of
 * multiply-adds in weight order and none ends in a sum across lanes ({@link #dotInOrder} is that order).
 *
 * <p>Why not {@link FloatRowKernels#dotTiles}: there a tile multiplies rows with tokens element-wise and each product
 * ends in a sum across lanes, and 4 rows by 6 tokens' arrays take more general registers than x86 has, so C2 spills
 * one running sum to the stack inside the loop. One Zen 5 thread with everything in L1 (2026-11-27): that tile 108
 * GFLOP/s, 4 rows by 4 tokens 165, the kernel here 215 (the core's peak 220-224).
 *
 * <p>One kernel shape serves every batch and every count of rows (missing tokens are zeros in the panel, missing rows
 * repeat the last one): a shape taken once in a while would run in the interpreter until C2 compiles it, where the
 * Vector API allocates every vector. A kernel of 3 vectors of tokens for batches of 48 and 96 did so in the last
 * 32 tokens of every pp512 (225 MB allocated in one JFR, 2026-11-27), as did the 4-row tiles of
 * {@link FloatRowKernels}.
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
     * {@code out[t][row + i] = r[i] · token t} for the {@code count} rows {@code r[0 .. count)} (at most 16) and every
     * token of the panel, each equal to the bit to {@link #dotInOrder}. Slice by slice of the weights, each tile of
     * the panel meets the rows 8 at a time; the running sums stay in {@code r[0]}'s scratch between slices.
     */
    static void multiply(UnpackedRow[] r, int count, TokenPanel p, float[][] out, int row) {
        check(p, r[0].type(), r[0].length());
        int sums = runningSums(count, p);
        if (r[0].runningSums.length < sums) r[0].runningSums = new float[sums];
        multiply(r, null, count, p, r[0].runningSums, out, row);
    }

    /** {@link #multiply} for the 16 rows of a decoded group ({@link DecodedGroup}). */
    static void multiply(DecodedGroup g, TokenPanel p, float[][] out, int row) {
        check(p, g.type, g.n);
        int sums = runningSums(RowGroups.ROWS, p);
        if (g.runningSums.length < sums) g.runningSums = new float[sums];
        if (g.type == QuantType.Q4_K) {
            multiplyQ4_K(g, p, g.runningSums, out, row);
        } else {
            multiply(null, g.weights, RowGroups.ROWS, p, g.runningSums, out, row);
        }
    }

    private static void check(TokenPanel p, QuantType type, int n) {
        if (p.n != n || !p.holdsFor(type)) {
            throw new IllegalArgumentException("a panel of " + p.type + " x " + p.n + " for rows of " + type + " x "
                    + n);
        }
    }

    /** Running sums a product of {@code count} rows with panel {@code p} keeps: per tile and 8 rows 16 vectors. */
    private static int runningSums(int count, TokenPanel p) {
        return 16 * FLOAT.length() * ((count + 7) / 8) * TokenPanel.tiles(p.to - p.from);
    }

    /** The rows {@code r}, or where it is null those of {@code group} ({@link DecodedGroup#weights}). */
    private static void multiply(UnpackedRow[] r, float[] group, int count, TokenPanel p, float[] acc, float[][] out,
                                 int row) {
        int n = p.n;
        int lanes = FLOAT.length();
        int tiles = TokenPanel.tiles(p.to - p.from);
        int eights = (count + 7) / 8;
        // per tile and 8 rows: 16 sums of L lanes, row i and token vector v at (2i + v) L
        Arrays.fill(acc, 0, runningSums(count, p), 0f);
        for (int k0 = 0; k0 < n; k0 += SLICE) {
            int k1 = Math.min(n, k0 + SLICE);
            for (int tile = 0; tile < tiles; tile++) {
                for (int e = 0; e < eights; e++) {
                    int at = 16 * lanes * (eights * tile + e);
                    if (group == null) {
                        panel8x2(r, 8 * e, count - 1, p.tiles[tile], k0, k1, acc, at);
                    } else {
                        group8x2(group, 8 * e, p.tiles[tile], k0, k1, acc, at);
                    }
                }
            }
        }
        writeOut(acc, count, p, out, row);
    }

    /**
     * Q4_K rows of a decoded group: per super-block and 8 rows, each half's 128 products summed in their own chains
     * from zero (exact: every partial sum is an integer below 128 x 15 x 63 x 127 < 2^24), then
     * {@link #finishQ4_K}. A super-block's rows stay in L1 while every tile of the panel meets them.
     */
    private static void multiplyQ4_K(DecodedGroup g, TokenPanel p, float[] acc, float[][] out, int row) {
        int lanes = FLOAT.length();
        int tiles = TokenPanel.tiles(p.to - p.from);
        int half = Q4_KKernels.BLOCK_SIZE / 2;
        Arrays.fill(acc, 0, runningSums(RowGroups.ROWS, p), 0f);
        for (int sb = 0; sb < p.n / Q4_KKernels.BLOCK_SIZE; sb++) {
            int k = sb * Q4_KKernels.BLOCK_SIZE;
            for (int tile = 0; tile < tiles; tile++) {
                for (int e = 0; e < 2; e++) {
                    Arrays.fill(g.halves, 0f);
                    group8x2(g.weights, 8 * e, p.tiles[tile], k, k + half, g.halves, 0);
                    group8x2(g.weights, 8 * e, p.tiles[tile], k + half, k + 2 * half, g.halves, 16 * lanes);
                    finishQ4_K(g, 8 * e, p, tile, sb, acc, 16 * lanes * (2 * tile + e));
                }
            }
        }
        writeOut(acc, RowGroups.ROWS, p, out, row);
    }

    /**
     * Adds super-block {@code sb} of rows {@code first .. first + 7} to their running sums at {@code acc[at ..]} as
     * {@link Q4_KRowGroups#dotGroup} adds it: the two halves' sum (the float of the exact integer sum), times
     * {@code d dx}, then the min sum (exact) times {@code -dmin dx}.
     */
    private static void finishQ4_K(DecodedGroup g, int first, TokenPanel p, int tile, int sb, float[] acc, int at) {
        int lanes = FLOAT.length();
        float[] scales = p.blockScales[tile];
        float[] pairSums = p.pairSums[tile];
        for (int i = 0; i < 8; i++) {
            int r = RowGroups.ROWS * sb + first + i;
            for (int v = 0; v < 2; v++) {
                int s = (2 * i + v) * lanes;
                FloatVector isum = FloatVector.fromArray(FLOAT, g.halves, s)
                        .add(FloatVector.fromArray(FLOAT, g.halves, 16 * lanes + s));
                FloatVector dx = FloatVector.fromArray(FLOAT, scales, TokenPanel.TILE * sb + v * lanes);
                FloatVector msum = FloatVector.zero(FLOAT);
                for (int j = 0; j < 8; j++) {
                    msum = FloatVector.fromArray(FLOAT, pairSums, TokenPanel.TILE * (8 * sb + j) + v * lanes)
                            .fma(FloatVector.broadcast(FLOAT, g.mins[RowGroups.ROWS * (8 * sb + j) + first + i]), msum);
                }
                isum.fma(dx.mul(g.d[r]), sum(acc, at, 2 * i + v)).intoArray(acc, at + s);
                msum.fma(dx.mul(-g.dmin[r]), sum(acc, at, 2 * i + v)).intoArray(acc, at + s);
            }
        }
    }

    /** The running sums of {@code count} rows into their outputs, for the panel's tokens. */
    private static void writeOut(float[] acc, int count, TokenPanel p, float[][] out, int row) {
        int lanes = FLOAT.length();
        int eights = (count + 7) / 8;
        for (int tile = 0; tile < TokenPanel.tiles(p.to - p.from); tile++) {
            for (int i = 0; i < count; i++) {
                int at = 16 * lanes * (eights * tile + i / 8) + 2 * lanes * (i % 8);
                for (int j = 0; j < TokenPanel.TILE; j++) {
                    int t = p.from + tile * TokenPanel.TILE + j;
                    if (t < p.to) out[t][row + i] = acc[at + j];
                }
            }
        }
    }

    private static FloatVector sum(float[] acc, int at, int k) {
        return FloatVector.fromArray(FLOAT, acc, at + k * FLOAT.length());
    }

    /**
     * Adds weights {@code [k0, k1)} of rows {@code r[first .. first + 7]} (past {@code last}: {@code r[last]} again)
     * times the panel's tile {@code p} (2 vectors of tokens a weight, {@link TokenPanel}) onto the 16
     * running sums at {@code acc[at ..]} (row {@code i}, vector {@code v} at {@code at + (2i + v) L}), one multiply-add
     * a weight, in weight order. 8 rows and one panel pointer keep the loop's addresses in the general registers.
     */
    private static void panel8x2(UnpackedRow[] r, int first, int last, float[] p, int k0, int k1, float[] acc,
                                 int at) {
        int lanes = FLOAT.length();
        float[] w0 = r[Math.min(first, last)].weights, w1 = r[Math.min(first + 1, last)].weights;
        float[] w2 = r[Math.min(first + 2, last)].weights, w3 = r[Math.min(first + 3, last)].weights;
        float[] w4 = r[Math.min(first + 4, last)].weights, w5 = r[Math.min(first + 5, last)].weights;
        float[] w6 = r[Math.min(first + 6, last)].weights, w7 = r[Math.min(first + 7, last)].weights;
        FloatVector c00 = sum(acc, at, 0), c01 = sum(acc, at, 1), c10 = sum(acc, at, 2);
        FloatVector c11 = sum(acc, at, 3), c20 = sum(acc, at, 4), c21 = sum(acc, at, 5);
        FloatVector c30 = sum(acc, at, 6), c31 = sum(acc, at, 7), c40 = sum(acc, at, 8);
        FloatVector c41 = sum(acc, at, 9), c50 = sum(acc, at, 10), c51 = sum(acc, at, 11);
        FloatVector c60 = sum(acc, at, 12), c61 = sum(acc, at, 13), c70 = sum(acc, at, 14);
        FloatVector c71 = sum(acc, at, 15);
        for (int k = k0; k < k1; k++) {
            int i = 2 * lanes * k;
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

    /**
     * {@link #panel8x2} for rows {@code first .. first + 7} of a decoded group ({@link DecodedGroup#weights}: the 16
     * rows' weights at a position side by side), so that one array and one index serve all eight broadcasts.
     */
    private static void group8x2(float[] g, int first, float[] p, int k0, int k1, float[] acc, int at) {
        int lanes = FLOAT.length();
        FloatVector c00 = sum(acc, at, 0), c01 = sum(acc, at, 1), c10 = sum(acc, at, 2);
        FloatVector c11 = sum(acc, at, 3), c20 = sum(acc, at, 4), c21 = sum(acc, at, 5);
        FloatVector c30 = sum(acc, at, 6), c31 = sum(acc, at, 7), c40 = sum(acc, at, 8);
        FloatVector c41 = sum(acc, at, 9), c50 = sum(acc, at, 10), c51 = sum(acc, at, 11);
        FloatVector c60 = sum(acc, at, 12), c61 = sum(acc, at, 13), c70 = sum(acc, at, 14);
        FloatVector c71 = sum(acc, at, 15);
        for (int k = k0; k < k1; k++) {
            int i = 2 * lanes * k;
            int w = RowGroups.ROWS * k + first;
            FloatVector x0 = FloatVector.fromArray(FLOAT, p, i);
            FloatVector x1 = FloatVector.fromArray(FLOAT, p, i + lanes);
            FloatVector b0 = FloatVector.broadcast(FLOAT, g[w]);
            c00 = x0.fma(b0, c00); c01 = x1.fma(b0, c01);
            FloatVector b1 = FloatVector.broadcast(FLOAT, g[w + 1]);
            c10 = x0.fma(b1, c10); c11 = x1.fma(b1, c11);
            FloatVector b2 = FloatVector.broadcast(FLOAT, g[w + 2]);
            c20 = x0.fma(b2, c20); c21 = x1.fma(b2, c21);
            FloatVector b3 = FloatVector.broadcast(FLOAT, g[w + 3]);
            c30 = x0.fma(b3, c30); c31 = x1.fma(b3, c31);
            FloatVector b4 = FloatVector.broadcast(FLOAT, g[w + 4]);
            c40 = x0.fma(b4, c40); c41 = x1.fma(b4, c41);
            FloatVector b5 = FloatVector.broadcast(FLOAT, g[w + 5]);
            c50 = x0.fma(b5, c50); c51 = x1.fma(b5, c51);
            FloatVector b6 = FloatVector.broadcast(FLOAT, g[w + 6]);
            c60 = x0.fma(b6, c60); c61 = x1.fma(b6, c61);
            FloatVector b7 = FloatVector.broadcast(FLOAT, g[w + 7]);
            c70 = x0.fma(b7, c70); c71 = x1.fma(b7, c71);
        }
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
