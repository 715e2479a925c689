package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;

/**
 * A group of 16 rows ({@link RowGroups}) decoded to floats once per prompt batch and multiplied with the batch turned
 * on its side ({@link TokenPanel}, {@link PanelKernels}): each weight then meets 16 tokens in one multiply-add, where
 * the groups' own kernels take 16-bit multiplies, shifts and adds for every pair of tokens.
 * <ul>
 *   <li>Q8_0: the weights {@code d q}, against the activations' Q8_0 lane floats. Every product equals to the bit
 *       what the same row, unpacked from its mapped block ({@link UnpackedRow}), gives through the same panel. One
 *       Zen 5 thread, 5632 x 2048 by 96 tokens (JMH {@code MatMulBench}, 2026-11-28): the 16-bit group kernel 86-94
 *       GFLOP/s, decoded groups 159-163.</li>
 *   <li>Q4_K: the integers {@code q sc}, against the activations' Q8_K quants, so that every product and every sum of
 *       128 of them is an exact integer in a float; each super-block's two halves, its mins and scales then go
 *       through the same float steps as {@link Q4_KRowGroups#dotGroup}: every product equals to the bit what the
 *       group gives the token alone.</li>
 * </ul>
 * One instance belongs to one thread at a time; it grows as needed and is reused without allocating.
 */
public final class DecodedGroup {

    /** The rows' floats: row {@code r} at {@code 16 k + r} for position {@code k} of the panel's order. */
    float[] weights = new float[0];
    /** Q4_K: per super-block {@code b} row {@code r}'s {@code d} and {@code dmin} at {@code 16 b + r}. */
    float[] d = new float[0];
    float[] dmin = new float[0];
    /** Q4_K: per super-block {@code b} and sub-block {@code j} row {@code r}'s min at {@code 16 (8 b + j) + r}. */
    float[] mins = new float[0];
    /** {@link PanelKernels}' running sums between slices of the weights. */
    float[] runningSums = new float[0];
    /** Q4_K: the two halves' exact sums of a super-block, before they are scaled into {@link #runningSums}. */
    final float[] halves = new float[2 * 16 * Simd.FLOAT.length()];
    QuantType type;
    int n;

    /** Whether groups of {@code type} decode here for a panel. */
    public static boolean decodes(QuantType type) {
        return type == QuantType.Q8_0 || type == QuantType.Q4_K;
    }

    /** Decodes group {@code group} of a matrix of {@code type} and {@code cols} columns grouped in {@code groups}. */
    public void decode(QuantType type, MemorySegment groups, int group, int cols) {
        int rows = RowGroups.ROWS;
        if (weights.length < rows * cols) weights = new float[rows * cols];
        this.type = type;
        n = cols;
        long at = group * RowGroups.groupBytes(type, cols);
        if (type == QuantType.Q8_0) {
            Q8_0RowGroups.decode(groups, at, cols, weights);
        } else if (type == QuantType.Q4_K) {
            int blocks = cols / Q4_KKernels.BLOCK_SIZE;
            if (d.length < rows * blocks) {
                d = new float[rows * blocks];
                dmin = new float[rows * blocks];
                mins = new float[8 * rows * blocks];
            }
            Q4_KRowGroups.decode(groups, at, cols, weights, d, dmin, mins);
        } else {
            throw new IllegalArgumentException(type + " groups do not decode for a panel");
        }
    }

    /**
     * {@code out[t][row + r] = row r · token t} for the 16 decoded rows and every token of {@code panel} (made for
     * rows of the same type).
     */
    public void multiply(TokenPanel panel, float[][] out, int row) {
        PanelKernels.multiply(this, panel, out, row);
    }
}
