package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.Random;

import org.junit.jupiter.api.Test;

class Q6_KRowGroupsTest {

    private static final int ROWS = RowGroups.ROWS;

    @Test
    void groupedQuantsAreTheRowsQuants() {
        int cols = 512;
        MemorySegment src = KernelFixtures.randomRows(QuantType.Q6_K, ROWS, cols, 0, new Random(1));
        MemorySegment groups = grouped(src, ROWS, cols);
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

    @Test
    void groupProductsMatchTheExactSums() {
        int cols = 2048;
        Random rnd = new Random(2);
        MemorySegment src = KernelFixtures.randomRows(QuantType.Q6_K, 2 * ROWS, cols, 0, rnd);
        MemorySegment groups = grouped(src, 2 * ROWS, cols);
        Q8Activation x = activation(KernelFixtures.gaussian(rnd, cols, 1.0));
        long rowBytes = QuantType.Q6_K.rowBytes(cols);
        float[] out = new float[2 * ROWS];
        for (int g = 0; g < 2; g++) {
            Q6_KRowGroups.dotGroupScalar(groups, g * RowGroups.groupBytes(QuantType.Q6_K, cols), x, cols, out, g * ROWS);
        }
        for (int r = 0; r < 2 * ROWS; r++) {
            double exact = 0;
            double magnitude = 0;
            for (int i = 0; i < cols; i++) {
                double term = KernelFixtures.reference(QuantType.Q6_K, src, r * rowBytes, i) * x.get(i);
                exact += term;
                magnitude += Math.abs(term);
            }
            assertEquals(exact, out[r], 1e-5 * magnitude, "row " + r);
            assertEquals(Q6_KKernels.dotScalar(src, r * rowBytes, x, cols), out[r], 2e-5 * magnitude, "row " + r);
        }
    }

    @Test
    void vectorKernelEqualsItsScalarTwinToTheBit() {
        assumeTrue(GgmlLanes.WIDE, "the grouped kernel needs 512-bit vectors; this CPU has " + Simd.BITS);
        Random rnd = new Random(3);
        for (int cols : new int[] {256, 2048, 5632}) {
            MemorySegment groups = grouped(KernelFixtures.randomRows(QuantType.Q6_K, 2 * ROWS, cols, 0, rnd), 2 * ROWS, cols);
            Q8Activation x = activation(KernelFixtures.gaussian(rnd, cols, 3.0));
            float[] scalar = new float[2 * ROWS];
            float[] vector = new float[2 * ROWS];
            for (int g = 0; g < 2; g++) {
                long at = g * RowGroups.groupBytes(QuantType.Q6_K, cols);
                Q6_KRowGroups.dotGroupScalar(groups, at, x, cols, scalar, g * ROWS);
                Q6_KRowGroups.dotGroup(groups, at, x, cols, vector, g * ROWS);
            }
            assertArrayEquals(scalar, vector, "cols " + cols);
        }
    }

    @Test
    void twoActivationsAtOnceGiveWhatEachGivesAlone() {
        assumeTrue(GgmlLanes.WIDE, "the grouped kernel needs 512-bit vectors; this CPU has " + Simd.BITS);
        Random rnd = new Random(5);
        int cols = 1024;
        MemorySegment groups = grouped(KernelFixtures.randomRows(QuantType.Q6_K, ROWS, cols, 0, rnd), ROWS, cols);
        Q8Activation x0 = activation(KernelFixtures.gaussian(rnd, cols, 1.0));
        Q8Activation x1 = activation(KernelFixtures.gaussian(rnd, cols, 4.0));
        float[] both0 = new float[ROWS];
        float[] both1 = new float[ROWS];
        Q6_KRowGroups.dotGroup2(groups, 0, x0, x1, cols, both0, both1, 0);
        float[] alone = new float[ROWS];
        Q6_KRowGroups.dotGroup(groups, 0, x0, cols, alone, 0);
        assertArrayEquals(alone, both0);
        Q6_KRowGroups.dotGroup(groups, 0, x1, cols, alone, 0);
        assertArrayEquals(alone, both1);
    }

    /** Quants at -32 and 31, activations at +-127: eight products a 16-bit lane must not overflow. */
    @Test
    void extremeQuantsDoNotOverflow() {
        assumeTrue(GgmlLanes.WIDE, "the grouped kernel needs 512-bit vectors; this CPU has " + Simd.BITS);
        int cols = 256;
        for (byte fill : new byte[] {0, (byte) 0xFF}) {
            MemorySegment src = KernelFixtures.randomRows(QuantType.Q6_K, ROWS, cols, 0, new Random(4));
            for (int r = 0; r < ROWS; r++) src.asSlice(r * 210L, 192).fill(fill); // every quant -32, or every one 31
            float[] big = new float[cols];
            for (int i = 0; i < cols; i++) big[i] = (i & 1) == 0 ? 1f : -1f;
            Q8Activation x = activation(big);
            MemorySegment groups = grouped(src, ROWS, cols);
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

    private static MemorySegment grouped(MemorySegment src, int rows, int cols) {
        MemorySegment groups = Arena.ofAuto().allocate(RowGroups.groupBytes(QuantType.Q6_K, cols) * (rows / ROWS), 64);
        for (int g = 0; g < rows / ROWS; g++) RowGroups.repack(QuantType.Q6_K, src, g, cols, groups);
        return groups;
    }

    private static Q8Activation activation(float[] x) {
        Q8Activation a = new Q8Activation(x.length);
        Q8Activation.quantizeQ8_K(x, 0, x.length, a);
        return a;
    }
}
