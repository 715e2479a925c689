package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;

/**
 * One weight row decoded once into floats, so that a batch of activations can be multiplied with it without
 * decoding the row again for every token: the engine's prompt path unpacks rows and then multiplies each with every
 * token ({@link #dot}, or a tile of rows by a batch of tokens with {@link #dotRows}).
 *
 * <ul>
 *   <li>Q4_K and Q6_K: each product is equal to the bit to the type's {@link RowKernel#dot}; see
 *       {@link UnpackedKernels} for why float multiply-adds give the same sums.</li>
 *   <li>F16 and BF16: the weights converted exactly, times the float activations in one accumulator a row
 *       ({@link FloatRowKernels}), or from 32 tokens on one multiply-add chain a product over a {@link TokenPanel}
 *       ({@link PanelKernels}): they differ from the type's single-token kernel, which alternates two accumulators,
 *       by float rounding only.</li>
 *   <li>Q8_0: the weights dequantized ({@code d * q}), times the activation dequantized from its Q8_0 form
 *       ({@link Q8Activation#laneFloats}), through the same float tiles as F16. The terms are the integer kernel's
 *       times its scales, the sum a float sum, so a product differs from {@link RowKernel#dot} by rounding only
 *       (llama-mini Q8_0's batched logits lie within 1e-5, relative L2, of its token-by-token ones over the first 16
 *       positions; from position 17 on, where such a difference flips an F16 KV cache entry of this random-weight
 *       model, 7.4e-3). Without the exact tile's multiply per block of 32 weights, Q8_0 prompts ran 1.5-1.6x as
 *       fast on a 16-core Xeon (docs/perf.md). Q4_K and Q6_K stay exact: llama-mini Q4_K_M's logits, summed in
 *       floats, moved 1.5e-2 where one rounding flipped a quant of the next activation, past the shared data's bound
 *       of 1e-2.</li>
 * </ul>
 *
 * <p>Supports Q8_0, Q4_K and Q6_K on 256-bit vector paths, and F16 and BF16 wherever the vector paths are on
 * ({@link #supports}); for anything else use {@link RowKernel#dot}.
 * One instance belongs to one thread at a time; it grows as needed and is reused across rows without allocating.
 */
public final class UnpackedRow {

    private QuantType type;
    private int n;
    /**
     * The weights as floats: K-quants each one's integer quant times its sub-block's integer scale, Q8_0 dequantized,
     * both in the lane order of {@link Q8Activation#laneFloats}; F16 / BF16 converted, in row order.
     */
    float[] weights = new float[0];
    /** Q4_K: per super-block the 8 six-bit mins in the order of {@link Q8Activation#pairSums}. */
    int[] mins = new int[0];
    /** Per block {@code d} (and for Q4_K {@code dmin}) as floats. */
    float[] d = new float[0];
    float[] dmin = new float[0];
    /** {@link #dotRows}: the running sums of every tile of a batch between slices of the rows. */
    float[] runningSums = new float[0];
    /** Q4_K, as the first of four rows: their mins as {@link UnpackedKernels#prepareMins} lays them out, min lanes. */
    int[] quadMins = new int[0];
    float[] quadDmins = new float[0];
    final float[] minLanes = new float[64];
    /** {@link #dotRows} of float rows: each token's activation floats and their offset, in the weights' order. */
    private float[][] tokenFloats = new float[0][];
    private int[] tokenOffsets = new int[0];

    /** Whether {@link #unpack} handles rows of {@code type} on this machine. */
    public static boolean supports(QuantType type) {
        return GgmlLanes.VECTOR && (type == QuantType.Q8_0 || type == QuantType.Q4_K || type == QuantType.Q6_K)
                || FloatRowKernels.supports(type);
    }

    /** Decodes the {@code n} weights of {@code type} at {@code w + wOffset}; {@link #supports} must hold. */
    public void unpack(QuantType type, MemorySegment w, long wOffset, int n) {
        if (!supports(type)) {
            throw new IllegalArgumentException(type + " rows cannot be unpacked here");
        }
        Bytes.checkBlocks(n, type.blockSize(), type.typeName());
        this.type = type;
        this.n = n;
        if (floatRows(type)) {
            if (weights.length < n) weights = new float[n];
            if (type == QuantType.Q8_0) {
                Q8_0Kernels.unpack(w, wOffset, n, weights);
            } else {
                FloatRowKernels.unpack(type, w, wOffset, n, weights);
            }
            return;
        }
        int blocks = n / type.blockSize();
        if (weights.length < n || d.length < blocks) {
            weights = new float[Math.max(n, weights.length)];
            d = new float[Math.max(blocks, d.length)];
            dmin = new float[d.length];
            mins = new int[8 * d.length];
        }
        if (type == QuantType.Q4_K) {
            Q4_KKernels.unpack(w, wOffset, n, this);
        } else {
            Q6_KKernels.unpack(w, wOffset, n, this);
        }
    }

    /** Whether rows of {@code type} are multiplied as floats ({@link FloatRowKernels}), not by the K-quant tiles. */
    static boolean floatRows(QuantType type) {
        return type == QuantType.Q8_0 || FloatRowKernels.supports(type);
    }

    /**
     * The floats a float row of {@code type} and length {@code n} multiplies {@code x} with, from {@link #offset}, in
     * the order of its weights.
     */
    static float[] floats(QuantType type, Activation x, int n) {
        if (type != QuantType.Q8_0) {
            return x.values();
        }
        Q8Activation q = x.q8_0();
        q.require(ActivationFormat.Q8_0, n);
        return q.laneFloats();
    }

    static int offset(QuantType type, Activation x) {
        return type == QuantType.Q8_0 ? 0 : x.offset();
    }

    QuantType type() {
        return type;
    }

    int length() {
        return n;
    }

    /** The dot product of the unpacked row with {@code x}: see the class comment for how it relates to the kernels. */
    public float dot(Activation x) {
        if (type == null) {
            throw new IllegalStateException("nothing unpacked");
        }
        if (!floatRows(type)) {
            return UnpackedKernels.dot(this, x.q8_K());
        }
        checkLength(x);
        return FloatRowKernels.dotInOrder(weights, floats(type, x, n), offset(type, x), n);
    }

    /** The product of a float row with {@code x} in the order of {@link PanelKernels}: the panel tiles' reference. */
    float dotInPanelOrder(Activation x) {
        if (type == null || !floatRows(type)) {
            throw new IllegalStateException("no float row unpacked");
        }
        checkLength(x);
        return PanelKernels.dotInOrder(weights, floats(type, x, n), offset(type, x), n);
    }

    /** The most rows {@link #tileRows} gives. */
    public static final int MAX_TILE_ROWS = 16;

    /**
     * Rows a tile of {@link #dotRows} takes for rows of {@code type}: 16 for float rows, whose tiles run four rows at a
     * time over the same activations while they are in L1; 4 for K-quant rows.
     */
    public static int tileRows(QuantType type) {
        return floatRows(type) ? MAX_TILE_ROWS : 4;
    }

    /**
     * {@code out[t][row + i] = rows[i] · xs[t]} for the {@code count} rows ({@link #tileRows} or 4) and {@code t} in
     * {@code [from, to)}; {@code panel} holds these activations turned on their side ({@link TokenPanel}), or is null.
     * <ul>
     *   <li>Float rows with a panel: {@link PanelKernels}, each product equal to the bit to
     *       {@link #dotInPanelOrder}.</li>
     *   <li>Otherwise tiles of four rows by four activations (float rows: six on some CPUs,
     *       {@link PromptTile#FLOAT_TOKENS}), each product equal to the bit to {@link #dot}. The tiles go through the
     *       rows a slice of weights at a time for all tokens ({@value #SLICE} for K-quant rows, {@value #FLOAT_SLICE}
     *       for float rows), so the rows' slice stays in the near caches while the tokens stream past it; each
     *       product still sums its blocks in order.</li>
     * </ul>
     */
    public static void dotRows(UnpackedRow[] rows, int count, Activation[] xs, TokenPanel panel, int from, int to,
                               float[][] out, int row) {
        dotRows(rows, count, xs, panel, from, to, out, row, PromptTile.FLOAT_TOKENS);
    }

    /** {@link #dotRows} with float rows in tiles of {@code floatTokens} (4 or 6): the tests run both. */
    static void dotRows(UnpackedRow[] rows, int count, Activation[] xs, TokenPanel panel, int from, int to,
                        float[][] out, int row, int floatTokens) {
        UnpackedRow a = rows[0];
        if (a.type == null || count != 4 && count != tileRows(a.type)) {
            throw new IllegalArgumentException(count + " rows of " + a.type + " in one tile");
        }
        for (int i = 1; i < count; i++) {
            if (a.type != rows[i].type || a.n != rows[i].n) {
                throw new IllegalArgumentException("rows differ: " + a.type + " x " + a.n + " and " + rows[i].type
                        + " x " + rows[i].n);
            }
        }
        if (panel != null && (panel.from != from || panel.to != to)) {
            throw new IllegalArgumentException("a panel of tokens [" + panel.from + ", " + panel.to + ") for tokens ["
                    + from + ", " + to + ")");
        }
        if (!floatRows(a.type)) {
            quantTiles(rows, xs, from, to, out, row);
        } else if (panel != null) {
            PanelKernels.multiply(rows, count, panel, out, row);
        } else {
            floatTiles(rows, count, xs, from, to, out, row, floatTokens);
        }
    }

    private static void floatTiles(UnpackedRow[] rows, int count, Activation[] xs, int from, int to, float[][] out,
                                   int row, int floatTokens) {
        UnpackedRow a = rows[0];
        if (a.tokenFloats.length < to) {
            a.tokenFloats = new float[to][];
            a.tokenOffsets = new int[to];
        }
        for (int t = from; t < to; t++) {
            a.checkLength(xs[t]);
            a.tokenFloats[t] = floats(a.type, xs[t], a.n);
            a.tokenOffsets[t] = offset(a.type, xs[t]);
        }
        FloatRowKernels.dotTiles(rows, count / 4, a.tokenFloats, a.tokenOffsets, from, to, out, row, FLOAT_SLICE,
                floatTokens);
        // the scratch is the thread's for as long as it lives: keep no session's activations reachable from it
        java.util.Arrays.fill(a.tokenFloats, from, to, null);
    }

    private void checkLength(Activation x) {
        if (x.length() != n) {
            throw new IllegalArgumentException("activation length " + x.length() + " != row length " + n);
        }
    }

    /**
     * Weights of each K-quant row per slice of {@link #dotRows}: 4 rows of floats take 16 KiB. Each slice costs every
     * tile a call, so longer slices pay that less often: on the 16-core Xeon (2026-11-26, in one call each) Q4_K_M
     * pp512 took 203 tokens/s with 1024, 186 with 512 and 173 with 256 (F16, with two accumulators a row then,
     * 243-256 with 1024, 210 with 512 and 199 with 2048).
     */
    static final int SLICE = 1024;

    /**
     * Weights of each float row per slice of {@link #dotRows}: with one accumulator a row, a tile takes every vector
     * of a slice in one pass, and a longer pass pays for its running sums less often. One Zen 5 thread, 16 rows by
     * 96 tokens as the engine runs them (2026-11-27): 2048 117-125 GFLOP/s, 1024 100-114; with two accumulators and
     * slices of 1024, as before, 88-94.
     */
    static final int FLOAT_SLICE = 2048;

    /**
     * {@link #dotRows}' tiles of K-quant rows: running sums per tile between slices. The last tile repeats the last
     * token in its empty places and writes its products again, the same to the bit, rather than take a path of its
     * own (see {@link FloatRowKernels#dotTiles} for why).
     */
    private static void quantTiles(UnpackedRow[] rows, Activation[] xs, int from, int to, float[][] out, int row) {
        UnpackedRow a = rows[0];
        int tiles = (to - from + 3) / 4;
        int last = to - 1;
        int sums = tiles * UnpackedKernels.RUNNING_SUMS;
        if (a.runningSums.length < sums) a.runningSums = new float[sums];
        float[] c = a.runningSums;
        java.util.Arrays.fill(c, 0, sums, 0f);
        int blocks = a.n / a.type.blockSize();
        int step = Math.max(1, SLICE / a.type.blockSize());
        for (int b0 = 0; b0 < blocks; b0 += step) {
            int b1 = Math.min(blocks, b0 + step);
            for (int k = 0; k < tiles; k++) {
                int t = from + 4 * k;
                UnpackedKernels.accumulate4x4(rows, xs[t].q8_K(), xs[Math.min(t + 1, last)].q8_K(),
                        xs[Math.min(t + 2, last)].q8_K(), xs[Math.min(t + 3, last)].q8_K(), c,
                        k * UnpackedKernels.RUNNING_SUMS, b0, b1);
            }
        }
        if (a.type == QuantType.Q4_K) UnpackedKernels.prepareMins(rows);
        for (int k = 0; k < tiles; k++) {
            int t = from + 4 * k;
            int t1 = Math.min(t + 1, last), t2 = Math.min(t + 2, last), t3 = Math.min(t + 3, last);
            UnpackedKernels.finish4x4(rows, xs[t].q8_K(), xs[t1].q8_K(), xs[t2].q8_K(), xs[t3].q8_K(), c,
                    k * UnpackedKernels.RUNNING_SUMS, out[t], out[t1], out[t2], out[t3], row);
        }
    }
}
