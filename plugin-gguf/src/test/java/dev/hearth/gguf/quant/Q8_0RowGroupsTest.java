package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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
     * Quants at -128 and 127 against activation quants of +-127: the two products a 16-bit lane adds before widening
     * reach -32 512 and 32 258 and must not wrap, and the block sums (up to 32 x 128 x 127) must come out whole from
     * the low halves' biased sums. Signs: one per step pair (block sums cancel), one for the whole row (the largest
     * block sums), and opposite for even and odd weights (low and high halves of a lane of opposite signs).
     */
    @ParameterizedTest
    @ValueSource(strings = {"per step pair", "all positive", "all negative", "even against odd"})
    void extremeQuantsDoNotOverflow(String signs) {
        RowGroupsTest.assumeWide();
        int cols = 256;
        for (byte fill : new byte[] {(byte) 0x80, 0x7F}) {
            MemorySegment src = KernelFixtures.randomRows(QuantType.Q8_0, ROWS, cols, 0, new Random(4));
            for (int r = 0; r < ROWS; r++) {
                for (int b = 0; b < cols / 32; b++) src.asSlice(r * 272L + b * 34L + 2, 32).fill(fill);
            }
            float[] big = new float[cols];
            for (int i = 0; i < cols; i++) {
                boolean positive = switch (signs) {
                    case "per step pair" -> (i & 4) == 0;
                    case "all positive" -> true;
                    case "all negative" -> false;
                    default -> (i & 1) == 0;
                };
                big[i] = positive ? 1f : -1f;
            }
            Q8Activation x = RowGroupsTest.activation(QuantType.Q8_0, big);
            MemorySegment groups = RowGroupsTest.grouped(QuantType.Q8_0, src, ROWS, cols);
            float[] scalar = new float[ROWS];
            float[] vector = new float[ROWS];
            float[] vector0 = new float[ROWS];
            float[] vector1 = new float[ROWS];
            Q8_0RowGroups.dotGroupScalar(groups, 0, x, cols, scalar, 0);
            Q8_0RowGroups.dotGroup(groups, 0, x, cols, vector, 0);
            Q8_0RowGroups.dotGroup2(groups, 0, x, x, cols, vector0, vector1, 0);
            assertArrayEquals(scalar, vector);
            assertArrayEquals(scalar, vector0);
            assertArrayEquals(scalar, vector1);
            for (int r = 0; r < ROWS; r++) {
                float row = Q8_0Kernels.dotScalar(src, r * 272L, x, cols);
                assertEquals(row, vector[r], 1e-4 * Math.abs(vector[r]) + 1e-6);
            }
        }
    }
}
