package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;

/**
 * A group of 16 Q8_0 rows ({@link Q8_0RowGroups}) decoded to floats once per prompt batch and multiplied with the
 * batch turned on its side ({@link TokenPanel}, {@link PanelKernels}): each weight then meets 16 tokens in one
 * multiply-add, where {@link Q8_0RowGroups#dotGroup2} takes 16-bit multiplies, widening shifts and adds for every pair
 * of tokens. Every product equals to the bit what the same row, unpacked from its mapped block
 * ({@link UnpackedRow}), gives through the same panel, so grouping a matrix changes no prompt's result. One
 * Zen 5 thread, 5632 x 2048 by 96 tokens (JMH {@code MatMulBench}, 2026-11-28): the 16-bit group kernel 86-94
 * GFLOP/s, rows unpacked through panels 147-149.
 *
 * <p>One instance belongs to one thread at a time; it grows as needed and is reused without allocating.
 */
public final class DecodedGroup {

    /** The rows' floats: row {@code r} at {@code 16 k + r} for position {@code k} of the panel's order. */
    float[] weights = new float[0];
    /** {@link PanelKernels}' running sums between slices of the weights. */
    float[] runningSums = new float[0];
    int n;

    /** Decodes group {@code group} of a Q8_0 matrix of {@code cols} columns grouped in {@code groups}. */
    public void decode(MemorySegment groups, int group, int cols) {
        if (weights.length < RowGroups.ROWS * cols) weights = new float[RowGroups.ROWS * cols];
        n = cols;
        Q8_0RowGroups.decode(groups, group * RowGroups.groupBytes(QuantType.Q8_0, cols), cols, weights);
    }

    /**
     * {@code out[t][row + r] = row r · token t} for the 16 decoded rows and every token of {@code panel} (of Q8_0
     * lane floats).
     */
    public void multiply(TokenPanel panel, float[][] out, int row) {
        PanelKernels.multiply(this, panel, out, row);
    }
}
