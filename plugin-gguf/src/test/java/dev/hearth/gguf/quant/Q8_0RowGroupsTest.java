package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The Q8_0 group layout (every quant and scale) and its 16-bit bound; what every grouped type's kernels owe is in
 * {@link RowGroupsTest}.
 */
class Q8_0RowGroupsTest {

    private static final int ROWS = RowGroupsTest.ROWS;

    @Test
    void groupedQuantsAndScalesAreTheRows() {
        int cols = 96;
        MemorySegment src = KernelFixtures.randomRows(QuantType.Q8_0, ROWS, cols, 0, new Random(1));
        MemorySegment groups = RowGroupsTest.grouped(QuantType.Q8_0, src, ROWS, cols);
        long rowBytes = QuantType.Q8_0.rowBytes(cols);
        for (int r = 0; r < ROWS; r++) {
            for (int b = 0; b < cols / 32; b++) {
                long block = r * rowBytes + b * 34L;
                long in = (long) b * Q8_0RowGroups.BLOCK_BYTES;
                assertEquals(Bytes.f16(src, block), groups.get(Bytes.FLOAT_LE, in + 4L * r), "row " + r + ", d " + b);
                for (int k = 0; k < 32; k++) {
                    assertEquals(src.get(ValueLayout.JAVA_BYTE, block + 2 + k), Q8_0RowGroups.quantAt(groups, in, r, k),
                            "row " + r + ", weight " + (32 * b + k));
                }
            }
        }
    }

    /**
     * Quants at -128 and 127 against activation quants of +-127, one sign for the four weights of two steps: the two
     * products a 16-bit lane adds before widening reach -32 512 and 32 258, and must not wrap.
     */
    @Test
    void extremeQuantsDoNotOverflow() {
        RowGroupsTest.assumeWide();
        int cols = 256;
        for (byte fill : new byte[] {(byte) 0x80, 0x7F}) {
            MemorySegment src = KernelFixtures.randomRows(QuantType.Q8_0, ROWS, cols, 0, new Random(4));
            for (int r = 0; r < ROWS; r++) {
                for (int b = 0; b < cols / 32; b++) src.asSlice(r * 272L + b * 34L + 2, 32).fill(fill);
            }
            float[] big = new float[cols];
            for (int i = 0; i < cols; i++) big[i] = (i & 4) == 0 ? 1f : -1f; // one sign per step pair
            Q8Activation x = RowGroupsTest.activation(QuantType.Q8_0, big);
            MemorySegment groups = RowGroupsTest.grouped(QuantType.Q8_0, src, ROWS, cols);
            float[] scalar = new float[ROWS];
            float[] vector = new float[ROWS];
            Q8_0RowGroups.dotGroupScalar(groups, 0, x, cols, scalar, 0);
            Q8_0RowGroups.dotGroup(groups, 0, x, cols, vector, 0);
            assertArrayEquals(scalar, vector);
            for (int r = 0; r < ROWS; r++) {
                float row = Q8_0Kernels.dotScalar(src, r * 272L, x, cols);
                assertEquals(row, vector[r], 1e-4 * Math.abs(vector[r]) + 1e-6);
            }
        }
    }
}
