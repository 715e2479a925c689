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
    /** F16 / BF16: the 4x4 tile's two sets of 16 accumulators between passes. */
    private final float[][] tiles = new float[2][];

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

    /** Accumulator set {@code k} (0 or 1) of {@link FloatRowKernels#dot4x4}: 16 vectors; set 0 also takes the
     * running sums of {@link UnpackedKernels#dot4x4} on their way to the reduction. */
    float[] tile(int k) {
        if (tiles[k] == null) tiles[k] = new float[16 * Simd.FLOAT.length()];
        return tiles[k];
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
     * the bit to {@link #dot}; four activations at a time share every load of the four rows.
     */
    public static void dotFour(UnpackedRow[] rows, Activation[] xs, int from, int to, float[][] out, int row) {
        UnpackedRow a = rows[0];
        for (int i = 1; i < 4; i++) {
            if (a.type == null || a.type != rows[i].type || a.n != rows[i].n) {
                throw new IllegalArgumentException("rows differ: " + a.type + " x " + a.n + " and " + rows[i].type
                        + " x " + rows[i].n);
            }
        }
        int t = from;
        boolean floats = FloatRowKernels.supports(a.type);
        for (; t + 4 <= to; t += 4) {
            if (floats) {
                FloatRowKernels.dot4x4(rows, xs, t, out, row);
            } else {
                UnpackedKernels.dot4x4(rows, a.activation(xs[t]), a.activation(xs[t + 1]), a.activation(xs[t + 2]),
                        a.activation(xs[t + 3]), out[t], out[t + 1], out[t + 2], out[t + 3], row);
            }
        }
        for (; t < to; t++) {
            for (int i = 0; i < 4; i++) out[t][row + i] = rows[i].dot(xs[t]);
        }
    }
}
