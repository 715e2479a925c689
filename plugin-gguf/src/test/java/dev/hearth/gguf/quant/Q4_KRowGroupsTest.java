package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Q4_KRowGroupsTest {

    private static final int ROWS = Q4_KRowGroups.ROWS;

    @Test
    void restoringEveryRowGivesBackTheOriginalBlocks() {
        int cols = 768;
        MemorySegment src = KernelFixtures.randomRows(QuantType.Q4_K, 2 * ROWS, cols, 0, new Random(1));
        MemorySegment groups = grouped(src, 2 * ROWS, cols);
        long rowBytes = QuantType.Q4_K.rowBytes(cols);
        MemorySegment row = MemorySegment.ofArray(new byte[(int) rowBytes]);
        for (int r = 0; r < 2 * ROWS; r++) {
            Q4_KRowGroups.restoreRow(groups, r, cols, row, 0);
            assertArrayEquals(src.asSlice(r * rowBytes, rowBytes).toArray(ValueLayout.JAVA_BYTE),
                    row.toArray(ValueLayout.JAVA_BYTE), "row " + r);
        }
    }

    @Test
    void groupProductsMatchTheRowKernelsUpToRounding() {
        int cols = 2048;
        Random rnd = new Random(2);
        MemorySegment src = KernelFixtures.randomRows(QuantType.Q4_K, 3 * ROWS, cols, 0, rnd);
        MemorySegment groups = grouped(src, 3 * ROWS, cols);
        Q8Activation x = activation(KernelFixtures.gaussian(rnd, cols, 1.0));
        long rowBytes = QuantType.Q4_K.rowBytes(cols);
        float[] out = new float[3 * ROWS];
        for (int g = 0; g < 3; g++) {
            Q4_KRowGroups.dotGroupScalar(groups, g * Q4_KRowGroups.bytes(ROWS, cols), x, cols, out, g * ROWS);
        }
        for (int r = 0; r < 3 * ROWS; r++) {
            double exact = 0;
            double magnitude = 0;
            for (int i = 0; i < cols; i++) {
                double term = KernelFixtures.reference(QuantType.Q4_K, src, r * rowBytes, i) * x.get(i);
                exact += term;
                magnitude += Math.abs(term);
            }
            float rowKernel = Q4_KKernels.dotScalar(src, r * rowBytes, x, cols);
            assertEquals(exact, out[r], 1e-5 * magnitude, "row " + r + " against the exact sum");
            assertEquals(rowKernel, out[r], 2e-5 * magnitude, "row " + r + " against the row kernel");
        }
    }

    @Test
    void vectorKernelEqualsItsScalarTwinToTheBit() {
        assumeTrue(GgmlLanes.WIDE, "the grouped kernel needs 512-bit vectors; this CPU has " + Simd.BITS);
        Random rnd = new Random(3);
        for (int cols : new int[] {256, 2048, 5632}) {
            MemorySegment src = KernelFixtures.randomRows(QuantType.Q4_K, 2 * ROWS, cols, 0, rnd);
            MemorySegment groups = grouped(src, 2 * ROWS, cols);
            Q8Activation x = activation(KernelFixtures.gaussian(rnd, cols, 3.0));
            float[] scalar = new float[2 * ROWS];
            float[] vector = new float[2 * ROWS];
            for (int g = 0; g < 2; g++) {
                long at = g * Q4_KRowGroups.bytes(ROWS, cols);
                Q4_KRowGroups.dotGroupScalar(groups, at, x, cols, scalar, g * ROWS);
                Q4_KRowGroups.dotGroup(groups, at, x, cols, vector, g * ROWS);
            }
            assertArrayEquals(scalar, vector, "cols " + cols);
        }
    }

    /** Every quant 15, every scale and min 63, activations at -127 / 127: the 16-bit sums must not overflow. */
    @Test
    void largestQuantsAndActivationsDoNotOverflow() {
        assumeTrue(GgmlLanes.WIDE, "the grouped kernel needs 512-bit vectors; this CPU has " + Simd.BITS);
        int cols = 512;
        MemorySegment src = KernelFixtures.randomRows(QuantType.Q4_K, ROWS, cols, 0, new Random(4));
        long rowBytes = QuantType.Q4_K.rowBytes(cols);
        for (int r = 0; r < ROWS; r++) {
            for (int b = 0; b < cols / 256; b++) {
                long block = r * rowBytes + b * 144L;
                src.asSlice(block + 4, 140).fill((byte) 0xFF);
            }
        }
        float[] big = new float[cols];
        Arrays.fill(big, -1f); // quants of +-127 (Q8_K maps the first largest magnitude to -127)
        for (int i = 0; i < cols; i += 3) big[i] = 1f;
        Q8Activation x = activation(big);
        MemorySegment groups = grouped(src, ROWS, cols);
        float[] scalar = new float[ROWS];
        float[] vector = new float[ROWS];
        Q4_KRowGroups.dotGroupScalar(groups, 0, x, cols, scalar, 0);
        Q4_KRowGroups.dotGroup(groups, 0, x, cols, vector, 0);
        assertArrayEquals(scalar, vector);
        for (int r = 0; r < ROWS; r++) {
            assertEquals(Q4_KKernels.dotScalar(src, r * rowBytes, x, cols), vector[r], 1e-4 * Math.abs(vector[r]));
        }
    }

    private static MemorySegment grouped(MemorySegment src, int rows, int cols) {
        MemorySegment groups = Arena.ofAuto().allocate(Q4_KRowGroups.bytes(rows, cols), 64);
        for (int g = 0; g < rows / ROWS; g++) {
            Q4_KRowGroups.repack(src, g, cols, groups);
        }
        return groups;
    }

    private static Q8Activation activation(float[] x) {
        Q8Activation a = new Q8Activation(x.length);
        Q8Activation.quantizeQ8_K(x, 0, x.length, a);
        return a;
    }
}
