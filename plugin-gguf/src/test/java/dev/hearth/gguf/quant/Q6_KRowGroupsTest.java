package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The Q6_K group layout (every quant) and its 16-bit bound; what every grouped type's kernels owe is in
 * {@link RowGroupsTest}.
 */
class Q6_KRowGroupsTest {

    private static final int ROWS = RowGroupsTest.ROWS;

    @Test
    void groupedQuantsAreTheRowsQuants() {
        int cols = 512;
        MemorySegment src = KernelFixtures.randomRows(QuantType.Q6_K, ROWS, cols, 0, new Random(1));
        MemorySegment groups = RowGroupsTest.grouped(QuantType.Q6_K, src, ROWS, cols);
        long rowBytes = QuantType.Q6_K.rowBytes(cols);
        for (int r = 0; r < ROWS; r++) {
            for (int k = 0; k < cols; k++) {
                long block = r * rowBytes + (k / 256) * 210L;
                int e = k % 256;
                int expected = Q6_KKernels.quant(src, block, e / 128, (e % 128) / 32, e % 32);
                assertEquals(expected, Q6_KRowGroups.quantAt(groups, (k / 256) * (long) Q6_KRowGroups.BLOCK_BYTES, r, e),
                        "row " + r + ", weight " + k);
            }
        }
    }

    /**
     * Quants at -32 and 31, activations at +-127 alternating and of one sign: neither eight products a 16-bit lane
     * nor the pair sum of two lanes (up to 16 x 32 x 127) may overflow.
     */
    @Test
    void extremeQuantsDoNotOverflow() {
        RowGroupsTest.assumeWide();
        int cols = 256;
        for (int pattern = 0; pattern < 4; pattern++) {
            byte fill = (pattern & 1) == 0 ? 0 : (byte) 0xFF;
            boolean oneSign = pattern >= 2;
            MemorySegment src = KernelFixtures.randomRows(QuantType.Q6_K, ROWS, cols, 0, new Random(4));
            for (int r = 0; r < ROWS; r++) src.asSlice(r * 210L, 192).fill(fill); // every quant -32, or every one 31
            float[] big = new float[cols];
            for (int i = 0; i < cols; i++) big[i] = (i & 1) == 0 || oneSign ? 1f : -1f;
            Q8Activation x = RowGroupsTest.activation(QuantType.Q6_K, big);
            MemorySegment groups = RowGroupsTest.grouped(QuantType.Q6_K, src, ROWS, cols);
            float[] scalar = new float[ROWS];
            float[] vector = new float[ROWS];
            Q6_KRowGroups.dotGroupScalar(groups, 0, x, cols, scalar, 0);
            Q6_KRowGroups.dotGroup(groups, 0, x, cols, vector, 0);
            assertArrayEquals(scalar, vector);
            for (int r = 0; r < ROWS; r++) {
                assertEquals(Q6_KKernels.dotScalar(src, r * 210L, x, cols), vector[r], 1e-4 * Math.abs(vector[r]) + 1e-6);
            }
        }
    }
}
