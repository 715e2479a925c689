package dev.hearth.gguf.quant;

import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.IntVector;
import jdk.incubator.vector.VectorMask;
import jdk.incubator.vector.VectorOperators;
import jdk.incubator.vector.VectorShuffle;
import jdk.incubator.vector.VectorSpecies;

/**
 * Products of K-quant rows decoded by {@link UnpackedRow} with Q8_K activations, equal to the bit to the Q4_K and
 * Q6_K dot kernels, as float multiply-adds.
 *
 * <p><b>Why floats give the same result.</b> The dot kernels sum, per block, 8 integer lanes ({@link GgmlLanes}) and
 * fold each into a float accumulator with one fused multiply-add per block. Here a row holds each weight as the float
 * of its quant times its scale, and the activation its quants as floats, both permuted so that lane {@code k} of
 * every 8-float vector belongs to ggml lane {@code k} ({@link Q8Activation#laneFloats}); a block's lanes are summed
 * with float multiply-adds. Every product and every partial sum is an integer of magnitude below 2^24 (Q4_K: 32
 * products of at most 15 * 63 * 127 per lane; Q6_K: 32 of at most 32 * 128 * 127, at most 16,646,144), so each float
 * operation is exact and the float lanes equal the integer lanes. What follows is the kernels' own float code in their
 * order: one multiply-add with {@code d_x * d} per block (a product of two floats, the same in either order),
 * {@link GgmlLanes#hsum8}, and for Q4_K the min term.
 *
 * <p>{@link #accumulate4x4} multiplies four rows by four activations per pass: each loaded vector feeds four
 * multiply-adds, and the sixteen independent sums keep both multiply-add units busy (two rows by four ran about 30%
 * slower).
 */
final class UnpackedKernels {

    private static final VectorSpecies<Float> FLOAT = GgmlLanes.FLOAT;
    private static final VectorSpecies<Integer> INT = GgmlLanes.INT;
    /** Int lanes 4..7 moved to 0..3 (and back): adds a Q4_K min pair in one step. */
    private static final VectorShuffle<Integer> SWAP_HALVES = VectorShuffle.fromOp(INT, i -> (i + 4) & 7);
    /** Int lanes 0..3 into both halves, and lanes 4..7: a token's pair sums beside two rows' mins. */
    private static final VectorShuffle<Integer> LOWER_TWICE = VectorShuffle.fromOp(INT, i -> i & 3);
    private static final VectorShuffle<Integer> UPPER_TWICE = VectorShuffle.fromOp(INT, i -> 4 + (i & 3));

    private static final VectorSpecies<Float> WIDE = GgmlLanes.FLOAT_WIDE;
    /** Indexes into two 512-bit vectors {@code a, b}: {@code [a lanes 0-7 | b lanes 0-7]} ({@code selectFrom}). */
    private static final FloatVector LOWER_HALVES = FloatVector.fromArray(WIDE, halves(0), 0);
    /** {@code [a lanes 8-15 | b lanes 8-15]}. */
    private static final FloatVector UPPER_HALVES = FloatVector.fromArray(WIDE, halves(8), 0);
    /** Float lanes 8..15 of a 512-bit vector. */
    private static final VectorMask<Float> UPPER_STEP = VectorMask.fromLong(WIDE, 0xFF00);
    /** Whether {@link #accumulate4x4} takes the 512-bit tile for K-quant rows: chosen by {@link PromptTile}. */
    static final boolean WIDE_TILE = PromptTile.WIDE;

    private UnpackedKernels() {
    }

    /** Lane indexes {@code from .. from+7} of the first vector, then the same of the second (at 16 + ...). */
    private static float[] halves(int from) {
        float[] idx = new float[16];
        for (int k = 0; k < 8; k++) {
            idx[k] = from + k;
            idx[8 + k] = 16 + from + k;
        }
        return idx;
    }

    /** One row times one activation. */
    static float dot(UnpackedRow row, Q8Activation x) {
        int n = row.length();
        int bs = row.type().blockSize();
        x.require(row.type().activationFormat(), n);
        float[] w = row.weights;
        float[] xf = x.laneFloats();
        float[] xd = x.scales();
        float[] d = row.d;
        FloatVector acc = FloatVector.zero(FLOAT);
        for (int b = 0; b < n / bs; b++) {
            FloatVector z = FloatVector.zero(FLOAT);
            for (int i = bs * b; i < bs * b + bs; i += 8) {
                z = FloatVector.fromArray(FLOAT, w, i).fma(FloatVector.fromArray(FLOAT, xf, i), z);
            }
            acc = z.fma(FloatVector.broadcast(FLOAT, xd[b] * d[b]), acc);
        }
        return finish(row, x, acc);
    }

    /** Floats of the running sums of one 4x4 tile: 8 lanes for each of the 16 row and token pairs. */
    static final int RUNNING_SUMS = 128;

    /**
     * Adds blocks {@code [b0, b1)} of rows {@code r[0..3]} times {@code x0..x3} onto the tile's running sums at
     * {@code c[at, at + 128)} (row {@code i} and token {@code j} in lanes {@code (4i + j) 8 ..}). A product goes
     * through its blocks in order whatever the calls, so a prompt batch can run block by block over all its tokens
     * while the rows' block stays in L1, rather than row by row with the rows streaming from L2 for every token.
     */
    static void accumulate4x4(UnpackedRow[] r, Q8Activation x0, Q8Activation x1, Q8Activation x2, Q8Activation x3,
                              float[] c, int at, int b0, int b1) {
        int n = r[0].length();
        ActivationFormat format = r[0].type().activationFormat();
        x0.require(format, n);
        x1.require(format, n);
        x2.require(format, n);
        x3.require(format, n);
        if (WIDE_TILE) {
            accumulateWide(r, x0, x1, x2, x3, c, at, b0, b1);
        } else {
            accumulateNarrow(r, x0, x1, x2, x3, c, at, b0, b1);
        }
    }

    /**
     * Rows {@code r[0..3]} times {@code x0..x3} over all blocks, in 512-bit ({@code wide}) or 256-bit steps, then
     * {@link #finish4x4}: how the tests hold both tiles against the single-row kernels.
     */
    static void dot4x4(boolean wide, UnpackedRow[] r, Q8Activation x0, Q8Activation x1, Q8Activation x2,
                       Q8Activation x3, float[] o0, float[] o1, float[] o2, float[] o3, int row) {
        float[] c = new float[RUNNING_SUMS];
        int blocks = r[0].length() / r[0].type().blockSize();
        if (wide) {
            accumulateWide(r, x0, x1, x2, x3, c, 0, 0, blocks);
        } else {
            accumulateNarrow(r, x0, x1, x2, x3, c, 0, 0, blocks);
        }
        if (r[0].type() == QuantType.Q4_K) prepareMins(r);
        finish4x4(r, x0, x1, x2, x3, c, 0, o0, o1, o2, o3, row);
    }

    /** {@link #accumulate4x4} in 256-bit steps. */
    private static void accumulateNarrow(UnpackedRow[] r, Q8Activation x0, Q8Activation x1, Q8Activation x2,
                                         Q8Activation x3, float[] c, int at, int b0, int b1) {
        int bs = r[0].type().blockSize();
        float[] w0 = r[0].weights;
        float[] w1 = r[1].weights;
        float[] w2 = r[2].weights;
        float[] w3 = r[3].weights;
        float[] a0 = x0.laneFloats();
        float[] a1 = x1.laneFloats();
        float[] a2 = x2.laneFloats();
        float[] a3 = x3.laneFloats();
        // the running sums stay in memory, read and written once per block: 16 of them beside 16 block sums, four
        // rows and a token are more than the 32 registers, and a sum spilled inside the inner loop is a
        // store-to-load chain per step
        for (int b = b0; b < b1; b++) {
            FloatVector z00 = FloatVector.zero(FLOAT), z01 = z00, z02 = z00, z03 = z00;
            FloatVector z10 = z00, z11 = z00, z12 = z00, z13 = z00;
            FloatVector z20 = z00, z21 = z00, z22 = z00, z23 = z00;
            FloatVector z30 = z00, z31 = z00, z32 = z00, z33 = z00;
            for (int i = bs * b; i < bs * b + bs; i += 8) {
                FloatVector v0 = FloatVector.fromArray(FLOAT, w0, i);
                FloatVector v1 = FloatVector.fromArray(FLOAT, w1, i);
                FloatVector v2 = FloatVector.fromArray(FLOAT, w2, i);
                FloatVector v3 = FloatVector.fromArray(FLOAT, w3, i);
                FloatVector y0 = FloatVector.fromArray(FLOAT, a0, i);
                z00 = v0.fma(y0, z00);
                z10 = v1.fma(y0, z10);
                z20 = v2.fma(y0, z20);
                z30 = v3.fma(y0, z30);
                FloatVector y1 = FloatVector.fromArray(FLOAT, a1, i);
                z01 = v0.fma(y1, z01);
                z11 = v1.fma(y1, z11);
                z21 = v2.fma(y1, z21);
                z31 = v3.fma(y1, z31);
                FloatVector y2 = FloatVector.fromArray(FLOAT, a2, i);
                z02 = v0.fma(y2, z02);
                z12 = v1.fma(y2, z12);
                z22 = v2.fma(y2, z22);
                z32 = v3.fma(y2, z32);
                FloatVector y3 = FloatVector.fromArray(FLOAT, a3, i);
                z03 = v0.fma(y3, z03);
                z13 = v1.fma(y3, z13);
                z23 = v2.fma(y3, z23);
                z33 = v3.fma(y3, z33);
            }
            float e0 = x0.scales()[b];
            float e1 = x1.scales()[b];
            float e2 = x2.scales()[b];
            float e3 = x3.scales()[b];
            float d0 = r[0].d[b];
            z00.fma(FloatVector.broadcast(FLOAT, e0 * d0), FloatVector.fromArray(FLOAT, c, at))
                    .intoArray(c, at);
            z01.fma(FloatVector.broadcast(FLOAT, e1 * d0), FloatVector.fromArray(FLOAT, c, at + 8))
                    .intoArray(c, at + 8);
            z02.fma(FloatVector.broadcast(FLOAT, e2 * d0), FloatVector.fromArray(FLOAT, c, at + 16))
                    .intoArray(c, at + 16);
            z03.fma(FloatVector.broadcast(FLOAT, e3 * d0), FloatVector.fromArray(FLOAT, c, at + 24))
                    .intoArray(c, at + 24);
            float d1 = r[1].d[b];
            z10.fma(FloatVector.broadcast(FLOAT, e0 * d1), FloatVector.fromArray(FLOAT, c, at + 32))
                    .intoArray(c, at + 32);
            z11.fma(FloatVector.broadcast(FLOAT, e1 * d1), FloatVector.fromArray(FLOAT, c, at + 40))
                    .intoArray(c, at + 40);
            z12.fma(FloatVector.broadcast(FLOAT, e2 * d1), FloatVector.fromArray(FLOAT, c, at + 48))
                    .intoArray(c, at + 48);
            z13.fma(FloatVector.broadcast(FLOAT, e3 * d1), FloatVector.fromArray(FLOAT, c, at + 56))
                    .intoArray(c, at + 56);
            float d2 = r[2].d[b];
            z20.fma(FloatVector.broadcast(FLOAT, e0 * d2), FloatVector.fromArray(FLOAT, c, at + 64))
                    .intoArray(c, at + 64);
            z21.fma(FloatVector.broadcast(FLOAT, e1 * d2), FloatVector.fromArray(FLOAT, c, at + 72))
                    .intoArray(c, at + 72);
            z22.fma(FloatVector.broadcast(FLOAT, e2 * d2), FloatVector.fromArray(FLOAT, c, at + 80))
                    .intoArray(c, at + 80);
            z23.fma(FloatVector.broadcast(FLOAT, e3 * d2), FloatVector.fromArray(FLOAT, c, at + 88))
                    .intoArray(c, at + 88);
            float d3 = r[3].d[b];
            z30.fma(FloatVector.broadcast(FLOAT, e0 * d3), FloatVector.fromArray(FLOAT, c, at + 96))
                    .intoArray(c, at + 96);
            z31.fma(FloatVector.broadcast(FLOAT, e1 * d3), FloatVector.fromArray(FLOAT, c, at + 104))
                    .intoArray(c, at + 104);
            z32.fma(FloatVector.broadcast(FLOAT, e2 * d3), FloatVector.fromArray(FLOAT, c, at + 112))
                    .intoArray(c, at + 112);
            z33.fma(FloatVector.broadcast(FLOAT, e3 * d3), FloatVector.fromArray(FLOAT, c, at + 120))
                    .intoArray(c, at + 120);
        }
    }

    /**
     * {@link #accumulate4x4} in 512-bit steps, for the K-quants' 256-weight blocks: a 16-float vector holds two
     * consecutive 8-float groups, whose lanes {@code k} and {@code k + 8} both belong to ggml lane {@code k}. At the
     * end of a block the two halves of each block sum are added (exact integers, like every partial sum here), two
     * tokens' sums side by side in one vector ({@code [row . x0 | row . x1]}), so the float step per block is the
     * kernels' own on each half: running sum {@code pq} holds row {@code p} times tokens {@code 2q} (lanes 0-7) and
     * {@code 2q + 1} (lanes 8-15). Half the multiply-add instructions of the 256-bit tile.
     */
    private static void accumulateWide(UnpackedRow[] r, Q8Activation x0, Q8Activation x1, Q8Activation x2,
                                       Q8Activation x3, float[] c, int at, int b0, int b1) {
        int bs = r[0].type().blockSize();
        float[] w0 = r[0].weights;
        float[] w1 = r[1].weights;
        float[] w2 = r[2].weights;
        float[] w3 = r[3].weights;
        float[] a0 = x0.laneFloats();
        float[] a1 = x1.laneFloats();
        float[] a2 = x2.laneFloats();
        float[] a3 = x3.laneFloats();
        // the running sums stay in memory, read and written once per block: held in registers, 8 of them beside
        // 16 block sums, four rows, a token and the two index vectors were more than the 32, and C2 spilled a block
        // sum, a store-to-load chain per step
        for (int b = b0; b < b1; b++) {
            FloatVector z00 = FloatVector.zero(WIDE), z01 = z00, z02 = z00, z03 = z00;
            FloatVector z10 = z00, z11 = z00, z12 = z00, z13 = z00;
            FloatVector z20 = z00, z21 = z00, z22 = z00, z23 = z00;
            FloatVector z30 = z00, z31 = z00, z32 = z00, z33 = z00;
            for (int i = bs * b; i < bs * b + bs; i += 16) {
                FloatVector v0 = FloatVector.fromArray(WIDE, w0, i);
                FloatVector v1 = FloatVector.fromArray(WIDE, w1, i);
                FloatVector v2 = FloatVector.fromArray(WIDE, w2, i);
                FloatVector v3 = FloatVector.fromArray(WIDE, w3, i);
                FloatVector y0 = FloatVector.fromArray(WIDE, a0, i);
                z00 = v0.fma(y0, z00);
                z10 = v1.fma(y0, z10);
                z20 = v2.fma(y0, z20);
                z30 = v3.fma(y0, z30);
                FloatVector y1 = FloatVector.fromArray(WIDE, a1, i);
                z01 = v0.fma(y1, z01);
                z11 = v1.fma(y1, z11);
                z21 = v2.fma(y1, z21);
                z31 = v3.fma(y1, z31);
                FloatVector y2 = FloatVector.fromArray(WIDE, a2, i);
                z02 = v0.fma(y2, z02);
                z12 = v1.fma(y2, z12);
                z22 = v2.fma(y2, z22);
                z32 = v3.fma(y2, z32);
                FloatVector y3 = FloatVector.fromArray(WIDE, a3, i);
                z03 = v0.fma(y3, z03);
                z13 = v1.fma(y3, z13);
                z23 = v2.fma(y3, z23);
                z33 = v3.fma(y3, z33);
            }
            // tokens 0 | 1 and 2 | 3 side by side: [x0 scale x 8, x1 scale x 8], then the halves added per token
            FloatVector e01 = FloatVector.broadcast(WIDE, x0.scales()[b]).blend(x1.scales()[b], UPPER_STEP);
            FloatVector e23 = FloatVector.broadcast(WIDE, x2.scales()[b]).blend(x3.scales()[b], UPPER_STEP);
            float d0 = r[0].d[b];
            LOWER_HALVES.selectFrom(z00, z01).add(UPPER_HALVES.selectFrom(z00, z01))
                    .fma(e01.mul(d0), FloatVector.fromArray(WIDE, c, at))
                    .intoArray(c, at);
            LOWER_HALVES.selectFrom(z02, z03).add(UPPER_HALVES.selectFrom(z02, z03))
                    .fma(e23.mul(d0), FloatVector.fromArray(WIDE, c, at + 16))
                    .intoArray(c, at + 16);
            float d1 = r[1].d[b];
            LOWER_HALVES.selectFrom(z10, z11).add(UPPER_HALVES.selectFrom(z10, z11))
                    .fma(e01.mul(d1), FloatVector.fromArray(WIDE, c, at + 32))
                    .intoArray(c, at + 32);
            LOWER_HALVES.selectFrom(z12, z13).add(UPPER_HALVES.selectFrom(z12, z13))
                    .fma(e23.mul(d1), FloatVector.fromArray(WIDE, c, at + 48))
                    .intoArray(c, at + 48);
            float d2 = r[2].d[b];
            LOWER_HALVES.selectFrom(z20, z21).add(UPPER_HALVES.selectFrom(z20, z21))
                    .fma(e01.mul(d2), FloatVector.fromArray(WIDE, c, at + 64))
                    .intoArray(c, at + 64);
            LOWER_HALVES.selectFrom(z22, z23).add(UPPER_HALVES.selectFrom(z22, z23))
                    .fma(e23.mul(d2), FloatVector.fromArray(WIDE, c, at + 80))
                    .intoArray(c, at + 80);
            float d3 = r[3].d[b];
            LOWER_HALVES.selectFrom(z30, z31).add(UPPER_HALVES.selectFrom(z30, z31))
                    .fma(e01.mul(d3), FloatVector.fromArray(WIDE, c, at + 96))
                    .intoArray(c, at + 96);
            LOWER_HALVES.selectFrom(z32, z33).add(UPPER_HALVES.selectFrom(z32, z33))
                    .fma(e23.mul(d3), FloatVector.fromArray(WIDE, c, at + 112))
                    .intoArray(c, at + 112);
        }
    }

    /**
     * {@code oT[row + i] = r[i] · xT} from the tile's running sums at {@code c[at, at + 128)}: the lane reduction and
     * Q4_K's min term ({@link #minTerms4x4}; Q4_K rows need {@link #prepareMins} once per four rows first).
     */
    static void finish4x4(UnpackedRow[] r, Q8Activation x0, Q8Activation x1, Q8Activation x2, Q8Activation x3,
                          float[] c, int at, float[] o0, float[] o1, float[] o2, float[] o3, int row) {
        boolean q4k = r[0].type() == QuantType.Q4_K;
        float[] m = r[0].minLanes;
        if (q4k) minTerms4x4(r, x0, x1, x2, x3, m);
        for (int i = 0; i < 4; i++) {
            int k = at + 32 * i;
            // the min term of row i and token j: lanes 4 (i % 2) .. + 3 of accumulator 4 (i / 2) + j (minTerms4x4)
            int lane = 32 * (i / 2) + 4 * (i % 2);
            o0[row + i] = hsum8(c, k) + (q4k ? hsum4(m, lane) : 0f);
            o1[row + i] = hsum8(c, k + 8) + (q4k ? hsum4(m, lane + 8) : 0f);
            o2[row + i] = hsum8(c, k + 16) + (q4k ? hsum4(m, lane + 16) : 0f);
            o3[row + i] = hsum8(c, k + 24) + (q4k ? hsum4(m, lane + 24) : 0f);
        }
    }

    private static float hsum8(float[] t, int at) {
        return GgmlLanes.hsum8(t[at], t[at + 1], t[at + 2], t[at + 3], t[at + 4], t[at + 5], t[at + 6], t[at + 7]);
    }

    private static float hsum4(float[] t, int at) {
        return GgmlLanes.hsum4(t[at], t[at + 1], t[at + 2], t[at + 3]);
    }

    /**
     * Lays out the mins of Q4_K rows {@code r[0..3]} for {@link #minTerms4x4}, in {@code r[0]}'s scratch: per
     * super-block, for the row pairs (0, 1) and (2, 3), the mins in pair order as {@code [A 0-3 | B 0-3]} and
     * {@code [A 4-7 | B 4-7]}, and {@code [dmin A x 4 | dmin B x 4]}.
     */
    static void prepareMins(UnpackedRow[] r) {
        int blocks = r[0].length() / 256;
        UnpackedRow a = r[0];
        if (a.quadMins.length < 32 * blocks) {
            a.quadMins = new int[32 * blocks];
            a.quadDmins = new float[16 * blocks];
        }
        for (int b = 0; b < blocks; b++) {
            for (int pair = 0; pair < 2; pair++) {
                for (int half = 0; half < 2; half++) {
                    UnpackedRow row = r[2 * pair + half];
                    for (int i = 0; i < 4; i++) {
                        a.quadMins[32 * b + 16 * pair + 4 * half + i] = row.mins[8 * b + i];
                        a.quadMins[32 * b + 16 * pair + 8 + 4 * half + i] = row.mins[8 * b + 4 + i];
                        a.quadDmins[16 * b + 8 * pair + 4 * half + i] = row.dmin[b];
                    }
                }
            }
        }
    }

    /**
     * Q4_K's min terms of the 16 pairs of rows {@code r[0..3]} and tokens {@code x0..x3}, as {@link #minSum}
     * computes each, two rows a vector: lanes 0-3 of accumulator {@code 4p + j} hold row {@code 2p}, lanes 4-7 row
     * {@code 2p + 1}, with token {@code j}. Lane {@code i} takes {@code min(i) pair(i) + min(i + 4) pair(i + 4)} (pair
     * order, the same integers) times {@code dmin * -d_x} (the same float product) per super-block, in block order;
     * written to {@code m[0, 64)}, 8 floats an accumulator. About half the vector steps of 16 {@link #minSum} calls,
     * whose lanes 4-7 were copies (JMH {@code MatMulBench} Q4_K batch 32, one Zen 4 core: +3-6 %).
     */
    private static void minTerms4x4(UnpackedRow[] r, Q8Activation x0, Q8Activation x1, Q8Activation x2,
                                    Q8Activation x3, float[] m) {
        int[] qm = r[0].quadMins;
        float[] qd = r[0].quadDmins;
        int[] p0 = x0.pairSums(), p1 = x1.pairSums(), p2 = x2.pairSums(), p3 = x3.pairSums();
        float[] e0 = x0.scales(), e1 = x1.scales(), e2 = x2.scales(), e3 = x3.scales();
        FloatVector a0 = FloatVector.zero(FLOAT), a1 = a0, a2 = a0, a3 = a0;
        FloatVector b0 = a0, b1 = a0, b2 = a0, b3 = a0;
        for (int b = 0; b < r[0].length() / 256; b++) {
            IntVector lo01 = IntVector.fromArray(INT, qm, 32 * b);
            IntVector lo23 = IntVector.fromArray(INT, qm, 32 * b + 16);
            IntVector hi01 = IntVector.fromArray(INT, qm, 32 * b + 8);
            IntVector hi23 = IntVector.fromArray(INT, qm, 32 * b + 24);
            FloatVector d01 = FloatVector.fromArray(FLOAT, qd, 16 * b);
            FloatVector d23 = FloatVector.fromArray(FLOAT, qd, 16 * b + 8);
            IntVector q = IntVector.fromArray(INT, p0, 8 * b);
            IntVector ql = q.rearrange(LOWER_TWICE), qh = q.rearrange(UPPER_TWICE);
            a0 = ((FloatVector) lo01.mul(ql).add(hi01.mul(qh)).convert(VectorOperators.I2F, 0))
                    .fma(d01.mul(-e0[b]), a0);
            b0 = ((FloatVector) lo23.mul(ql).add(hi23.mul(qh)).convert(VectorOperators.I2F, 0))
                    .fma(d23.mul(-e0[b]), b0);
            q = IntVector.fromArray(INT, p1, 8 * b);
            ql = q.rearrange(LOWER_TWICE);
            qh = q.rearrange(UPPER_TWICE);
            a1 = ((FloatVector) lo01.mul(ql).add(hi01.mul(qh)).convert(VectorOperators.I2F, 0))
                    .fma(d01.mul(-e1[b]), a1);
            b1 = ((FloatVector) lo23.mul(ql).add(hi23.mul(qh)).convert(VectorOperators.I2F, 0))
                    .fma(d23.mul(-e1[b]), b1);
            q = IntVector.fromArray(INT, p2, 8 * b);
            ql = q.rearrange(LOWER_TWICE);
            qh = q.rearrange(UPPER_TWICE);
            a2 = ((FloatVector) lo01.mul(ql).add(hi01.mul(qh)).convert(VectorOperators.I2F, 0))
                    .fma(d01.mul(-e2[b]), a2);
            b2 = ((FloatVector) lo23.mul(ql).add(hi23.mul(qh)).convert(VectorOperators.I2F, 0))
                    .fma(d23.mul(-e2[b]), b2);
            q = IntVector.fromArray(INT, p3, 8 * b);
            ql = q.rearrange(LOWER_TWICE);
            qh = q.rearrange(UPPER_TWICE);
            a3 = ((FloatVector) lo01.mul(ql).add(hi01.mul(qh)).convert(VectorOperators.I2F, 0))
                    .fma(d01.mul(-e3[b]), a3);
            b3 = ((FloatVector) lo23.mul(ql).add(hi23.mul(qh)).convert(VectorOperators.I2F, 0))
                    .fma(d23.mul(-e3[b]), b3);
        }
        a0.intoArray(m, 0);
        a1.intoArray(m, 8);
        a2.intoArray(m, 16);
        a3.intoArray(m, 24);
        b0.intoArray(m, 32);
        b1.intoArray(m, 40);
        b2.intoArray(m, 48);
        b3.intoArray(m, 56);
    }

    /** The reduction of the 8 lane accumulators, plus Q4_K's min term. */
    private static float finish(UnpackedRow row, Q8Activation x, FloatVector acc) {
        float sum = GgmlLanes.hsum8(acc);
        return row.type() == QuantType.Q4_K ? sum + minSum(row, x) : sum;
    }

    /**
     * Q4_K's min term in the order of {@link Q4_KKernels#minSum}: per super-block 4 integer lanes (lane {@code i}:
     * {@code min(2i) * pair(2i) + min(2i+1) * pair(2i+1)}, here lane {@code i} plus lane {@code i + 4} of the products
     * in pair order) fused-multiply-added with {@code -d_x * dmin}; lanes 4..7 carry a copy and are ignored.
     */
    private static float minSum(UnpackedRow row, Q8Activation x) {
        int[] mins = row.mins;
        int[] pairs = x.pairSums();
        float[] xd = x.scales();
        float[] dmin = row.dmin;
        FloatVector m = FloatVector.zero(FLOAT);
        for (int b = 0; b < row.length() / 256; b++) {
            IntVector p = IntVector.fromArray(INT, mins, 8 * b).mul(IntVector.fromArray(INT, pairs, 8 * b));
            FloatVector terms = (FloatVector) p.add(p.rearrange(SWAP_HALVES)).convert(VectorOperators.I2F, 0);
            m = terms.fma(FloatVector.broadcast(FLOAT, -xd[b] * dmin[b]), m);
        }
        return GgmlLanes.hsum4(m.lane(0), m.lane(1), m.lane(2), m.lane(3));
    }
}
