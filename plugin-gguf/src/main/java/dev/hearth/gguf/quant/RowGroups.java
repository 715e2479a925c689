package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;

/**
 * Weight rows repacked in groups of {@value #ROWS} for the CPU's products, by type: Q4_K ({@link Q4_KRowGroups}) and
 * Q6_K ({@link Q6_KRowGroups}), on CPUs with 512-bit vectors.
 */
public final class RowGroups {

    /** Rows in a group: the int lanes of a 512-bit vector. */
    public static final int ROWS = 16;

    private RowGroups() {
    }

    /** Bytes of a grouped {@code rows x cols} matrix of {@code type}; 0 when it cannot be grouped. */
    public static long bytes(QuantType type, int rows, int cols) {
        return switch (type) {
            case Q4_K -> Q4_KRowGroups.supports(rows, cols) ? Q4_KRowGroups.bytes(rows, cols) : 0;
            case Q6_K -> Q6_KRowGroups.supports(rows, cols) ? Q6_KRowGroups.bytes(rows, cols) : 0;
            default -> 0;
        };
    }

    /** Repacks group {@code group} of the matrix at {@code src} into its place in {@code dst}. */
    public static void repack(QuantType type, MemorySegment src, int group, int cols, MemorySegment dst) {
        if (type == QuantType.Q4_K) Q4_KRowGroups.repack(src, group, cols, dst);
        else Q6_KRowGroups.repack(src, group, cols, dst);
    }

    /** {@code out[outOff + r] = row r · x} for the 16 rows of group {@code group}. */
    public static void dot(QuantType type, MemorySegment groups, int group, Q8Activation x, int cols, float[] out,
                           int outOff) {
        if (type == QuantType.Q4_K) {
            Q4_KRowGroups.dotGroup(groups, group * Q4_KRowGroups.bytes(ROWS, cols), x, cols, out, outOff);
        } else {
            Q6_KRowGroups.dotGroup(groups, group * Q6_KRowGroups.bytes(ROWS, cols), x, cols, out, outOff);
        }
    }

    /** {@link #dot} for two activations at once, each the same to the bit as alone. */
    public static void dot2(QuantType type, MemorySegment groups, int group, Q8Activation x0, Q8Activation x1, int cols,
                            float[] out0, float[] out1, int outOff) {
        if (type == QuantType.Q4_K) {
            Q4_KRowGroups.dotGroup2(groups, group * Q4_KRowGroups.bytes(ROWS, cols), x0, x1, cols, out0, out1, outOff);
        } else {
            Q6_KRowGroups.dotGroup2(groups, group * Q6_KRowGroups.bytes(ROWS, cols), x0, x1, cols, out0, out1, outOff);
        }
    }
}
