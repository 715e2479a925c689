package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;

/**
 * One weight row decoded once into floats, so that a batch of activations can be multiplied with it without
 * decoding the row again for every token: the engine's prompt path unpacks rows and then multiplies each with every
 * token ({@link #dot}, or four rows by four tokens at once with {@link #dotFour}). Every product is equal to the bit
 * to the type's {@link RowKernel#dot}: see {@link UnpackedKernels} for why float multiply-adds give the same sums.
 *
 * <p>Supports Q8_0, Q4_K and Q6_K on 256-bit vector paths, and F16 and BF16 ({@link FloatRowKernels}) wherever
 * the vector paths are on ({@link #supports}); for anything else use {@link RowKernel#dot}.
 * One instance belongs to one thread at a time; it grows as needed and is reused across rows without allocating.
 */
public final class UnpackedRow {

    private QuantType type;
    private int n;
    /**
     * The weights as floats, each one's integer quant times its sub-block's integer scale (K-quants), in the lane
     * order of {@link Q8Activation#laneFloats}; F16 / BF16: the weights converted, in row order.
     */
    float[] weights = new float[0];
    /** Q4_K: per super-block the 8 six-bit mins in the order of {@link Q8Activation#pairSums}. */
    int[] mins = new int[0];
    /** Per block {@code d} (and for Q4_K {@code dmin}) as floats. */
    float[] d = new float[0];
    float[] dmin = new float[0];
    /** {@link #dotFour}: the running sums of every tile of a batch between slices of the rows. */
    float[] runningSums = new float[0];
    /** Q4_K, as the first of four rows: their mins as {@link UnpackedKernels#prepareMins} lays them out, min lanes. */
    int[] quadMins = new int[0];
    float[] quadDmins = new float[0];
    final float[] minLanes = new float[64];

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
        if (FloatRowKernels.supports(type)) {
            if (weights.length < n) weights = new float[n];
            FloatRowKernels.unpack(type, w, wOffset, n, weights);
            return;
        }
        int blocks = n / type.blockSize();
        if (weights.length < n || d.length < blocks) {
            weights = new float[Math.max(n, weights.length)];
            d = new float[Math.max(blocks, d.length)];
            dmin = new float[d.length];
            mins = new int[8 * d.length];
        }
        switch (type) {
            case Q8_0 -> Q8_0Kernels.unpack(w, wOffset, n, this);
            case Q4_K -> Q4_KKernels.unpack(w, wOffset, n, this);
            default -> Q6_KKernels.unpack(w, wOffset, n, this);
        }
    }

    /** The quantized form of {@code x} that rows of this type multiply with. */
    private Q8Activation activation(Activation x) {
        return type == QuantType.Q8_0 ? x.q8_0() : x.q8_K();
    }

    QuantType type() {
        return type;
    }

    int length() {
        return n;
    }

    /** The dot product of the unpacked row with {@code x}, equal to the bit to {@code type.dot(w, wOffset, x, n)}. */
    public float dot(Activation x) {
        if (type == null) {
            throw new IllegalStateException("nothing unpacked");
        }
        return FloatRowKernels.supports(type) ? FloatRowKernels.dot(this, x)
                : UnpackedKernels.dot(this, activation(x));
    }

    /**
     * {@code out[t][row + i] = rows[i] · xs[t]} for the four rows and {@code t} in {@code [from, to)}, each equal to
     * the bit to {@link #dot}; four activations at a time share every load of the four rows. The tiles go through
     * the rows a slice of {@value #SLICE} weights at a time for all tokens, so the rows' slice stays in L1 while the
     * tokens stream past it; each product still sums its blocks in order.
     */
    public static void dotFour(UnpackedRow[] rows, Activation[] xs, int from, int to, float[][] out, int row) {
        UnpackedRow a = rows[0];
        for (int i = 1; i < 4; i++) {
            if (a.type == null || a.type != rows[i].type || a.n != rows[i].n) {
                throw new IllegalArgumentException("rows differ: " + a.type + " x " + a.n + " and " + rows[i].type
                        + " x " + rows[i].n);
            }
        }
        int tiles = (to - from) / 4;
        if (FloatRowKernels.supports(a.type)) {
            FloatRowKernels.dot4xN(rows, xs, from, tiles, out, row, SLICE);
        } else {
            quantTiles(rows, xs, from, tiles, out, row);
        }
        for (int t = from + 4 * tiles; t < to; t++) {
            for (int i = 0; i < 4; i++) out[t][row + i] = rows[i].dot(xs[t]);
        }
    }

    /**
     * Weights of each row per slice of {@link #dotFour}: 4 rows of floats take 16 KiB. Each slice costs every tile a
     * call (and a float tile a store and reload of its sums), so longer slices pay that less often: on the 16-core
     * Xeon (2026-11-26, in one call each) F16 pp512 took 243-256 tokens/s with 1024, 210 with 512, 192-199 with 256
     * and 199 with 2048, and Q4_K_M pp512 203 with 1024, 186 with 512 and 173 with 256.
     */
    static final int SLICE = 1024;

    /** {@link #dotFour}'s tiles of K-quant and Q8_0 rows: running sums per tile between slices. */
    private static void quantTiles(UnpackedRow[] rows, Activation[] xs, int from, int tiles, float[][] out, int row) {
        UnpackedRow a = rows[0];
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
                UnpackedKernels.accumulate4x4(rows, a.activation(xs[t]), a.activation(xs[t + 1]),
                        a.activation(xs[t + 2]), a.activation(xs[t + 3]), c, k * UnpackedKernels.RUNNING_SUMS, b0, b1);
            }
        }
        if (a.type == QuantType.Q4_K) UnpackedKernels.prepareMins(rows);
        for (int k = 0; k < tiles; k++) {
            int t = from + 4 * k;
            UnpackedKernels.finish4x4(rows, a.activation(xs[t]), a.activation(xs[t + 1]), a.activation(xs[t + 2]),
                    a.activation(xs[t + 3]), c, k * UnpackedKernels.RUNNING_SUMS, out[t], out[t + 1], out[t + 2],
                    out[t + 3], row);
        }
    }
}
