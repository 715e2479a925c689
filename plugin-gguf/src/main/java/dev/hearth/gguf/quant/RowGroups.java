package dev.hearth.gguf.quant;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;

/**
 * Weight rows repacked in groups of {@value #ROWS} for the CPU's products, by type: Q4_K ({@link Q4_KRowGroups}),
 * Q6_K ({@link Q6_KRowGroups}) and Q8_0 ({@link Q8_0RowGroups}), on CPUs with 512-bit vectors. A grouped matrix
 * holds, group after group, one block of the type's group layout per block of the type's columns (256 for the
 * K-quants, 32 for Q8_0).
 */
public final class RowGroups {

    /** Rows in a group: the int lanes of a 512-bit vector. */
    public static final int ROWS = 16;

    private RowGroups() {
    }

    /** Whether this CPU has the 512-bit steps the groups' kernels take. */
    public static boolean supported() {
        return GgmlLanes.WIDE;
    }

    /** Bytes of a grouped {@code rows x cols} matrix of {@code type}; 0 when it cannot be grouped. */
    public static long bytes(QuantType type, int rows, int cols) {
        int block = blockBytes(type);
        if (block == 0 || !supported() || rows % ROWS != 0 || cols % type.blockSize() != 0) return 0;
        return (long) rows / ROWS * groupBytes(type, cols);
    }

    /** Bytes of one group of 16 rows of {@code cols} weights. */
    static long groupBytes(QuantType type, int cols) {
        return (long) cols / type.blockSize() * blockBytes(type);
    }

    private static int blockBytes(QuantType type) {
        return switch (type) {
            case Q4_K -> Q4_KRowGroups.BLOCK_BYTES;
            case Q6_K -> Q6_KRowGroups.BLOCK_BYTES;
            case Q8_0 -> Q8_0RowGroups.BLOCK_BYTES;
            default -> 0;
        };
    }

    /** Repacks group {@code group} (rows {@code 16 group ..}) of the matrix at {@code src} into its place in {@code dst}. */
    public static void repack(QuantType type, MemorySegment src, int group, int cols, MemorySegment dst) {
        Packer packer = switch (type) {
            case Q4_K -> Q4_KRowGroups::pack;
            case Q6_K -> Q6_KRowGroups::pack;
            default -> Q8_0RowGroups::pack;
        };
        int blocks = cols / type.blockSize();
        long rowBytes = (long) blocks * type.typeSize();
        byte[] in = new byte[type.typeSize()];
        byte[] out = new byte[blockBytes(type)];
        MemorySegment outSegment = MemorySegment.ofArray(out);
        for (int b = 0; b < blocks; b++) {
            Arrays.fill(out, (byte) 0);
            for (int r = 0; r < ROWS; r++) {
                MemorySegment.copy(src, ValueLayout.JAVA_BYTE, (group * ROWS + r) * rowBytes
                        + (long) b * type.typeSize(), in, 0, in.length);
                packer.pack(in, r, out);
            }
            MemorySegment.copy(outSegment, 0, dst, ((long) group * blocks + b) * out.length, out.length);
        }
    }

    /** Writes one row's ggml block ({@code block}) as row {@code row} of a zeroed group block ({@code out}). */
    @FunctionalInterface
    interface Packer {
        void pack(byte[] block, int row, byte[] out);
    }

    /** {@code out[outOff + r] = row r · x} for the 16 rows of group {@code group}. */
    public static void dot(QuantType type, MemorySegment groups, int group, Q8Activation x, int cols, float[] out,
                           int outOff) {
        long at = group * groupBytes(type, cols);
        switch (type) {
            case Q4_K -> Q4_KRowGroups.dotGroup(groups, at, x, cols, out, outOff);
            case Q6_K -> Q6_KRowGroups.dotGroup(groups, at, x, cols, out, outOff);
            default -> Q8_0RowGroups.dotGroup(groups, at, x, cols, out, outOff);
        }
    }

    /**
     * {@link #dot} for two activations at once, each the same to the bit as alone. These kernels do not prefetch: a
     * prompt batch takes them over and over a group already in the cache, and the call in their loop alone cost it
     * 5-15 % (JMH {@code MatMulBench}, batch 96; docs/perf.md).
     */
    public static void dot2(QuantType type, MemorySegment groups, int group, Q8Activation x0, Q8Activation x1, int cols,
                            float[] out0, float[] out1, int outOff) {
        long at = group * groupBytes(type, cols);
        switch (type) {
            case Q4_K -> Q4_KRowGroups.dotGroup2(groups, at, x0, x1, cols, out0, out1, outOff);
            case Q6_K -> Q6_KRowGroups.dotGroup2(groups, at, x0, x1, cols, out0, out1, outOff);
            default -> Q8_0RowGroups.dotGroup2(groups, at, x0, x1, cols, out0, out1, outOff);
        }
    }
}
