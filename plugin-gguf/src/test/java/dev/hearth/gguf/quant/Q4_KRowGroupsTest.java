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

    private static final int ROWS = RowGroups.ROWS;

    @Test
    void restoringEveryRowGivesBackTheOriginalBlocks() {
        int cols = 768;
        MemorySegment src = KernelFixtures.randomRows(QuantType.Q4_K, 2 * ROWS, cols, 0, new Random(1));
        MemorySegment groups = grouped(src, 2 * ROWS, cols);
        long rowBytes = QuantType.Q4_K.rowBytes(cols);
        MemorySegment row = MemorySegment.ofArray(new byte[(int) rowBytes]);
        for (int r = 0; r < 2 * ROWS; r++) {
            restoreRow(groups, r, cols, row, 0);
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
            Q4_KRowGroups.dotGroupScalar(groups, g * RowGroups.groupBytes(QuantType.Q4_K, cols), x, cols, out, g * ROWS);
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
                long at = g * RowGroups.groupBytes(QuantType.Q4_K, cols);
                Q4_KRowGroups.dotGroupScalar(groups, at, x, cols, scalar, g * ROWS);
                Q4_KRowGroups.dotGroup(groups, at, x, cols, vector, g * ROWS);
            }
            assertArrayEquals(scalar, vector, "cols " + cols);
        }
    }

    @Test
    void twoActivationsAtOnceGiveWhatEachGivesAlone() {
        assumeTrue(GgmlLanes.WIDE, "the grouped kernel needs 512-bit vectors; this CPU has " + Simd.BITS);
        Random rnd = new Random(5);
        int cols = 1024;
        MemorySegment groups = grouped(KernelFixtures.randomRows(QuantType.Q4_K, 2 * ROWS, cols, 0, rnd), 2 * ROWS, cols);
        Q8Activation[] x = {activation(KernelFixtures.gaussian(rnd, cols, 1.0)),
                activation(KernelFixtures.gaussian(rnd, cols, 4.0))};
        for (int g = 0; g < 2; g++) {
            long at = g * RowGroups.groupBytes(QuantType.Q4_K, cols);
            float[][] both = new float[2][2 * ROWS];
            Q4_KRowGroups.dotGroup2(groups, at, x[0], x[1], cols, both[0], both[1], g * ROWS);
            for (int k = 0; k < 2; k++) {
                float[] alone = new float[2 * ROWS];
                Q4_KRowGroups.dotGroup(groups, at, x[k], cols, alone, g * ROWS);
                assertArrayEquals(Arrays.copyOfRange(alone, g * ROWS, g * ROWS + ROWS),
                        Arrays.copyOfRange(both[k], g * ROWS, g * ROWS + ROWS), "group " + g + ", activation " + k);
            }
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

    /**
     * Row {@code row} of a grouped matrix written back as {@code block_q4_K}s into {@code dst} from {@code dstOff}: the
     * inverse of {@link Q4_KRowGroups#repack}, reading the layout as its table says.
     */
    private static void restoreRow(MemorySegment groups, int row, int cols, MemorySegment dst, long dstOff) {
        int superBlocks = cols / Q4_KKernels.BLOCK_SIZE;
        int group = row / ROWS;
        int r = row % ROWS;
        for (int b = 0; b < superBlocks; b++) {
            long in = ((long) group * superBlocks + b) * Q4_KRowGroups.BLOCK_BYTES;
            long block = dstOff + (long) b * Q4_KKernels.TYPE_SIZE;
            dst.set(Bytes.SHORT_LE, block, Float.floatToFloat16(groups.get(Bytes.FLOAT_LE, in + 4L * r)));
            dst.set(Bytes.SHORT_LE, block + 2,
                    Float.floatToFloat16(groups.get(Bytes.FLOAT_LE, in + 64 + 4L * r)));
            byte[] packed = new byte[12];
            for (int j = 0; j < 8; j++) {
                int sc = groups.get(ValueLayout.JAVA_BYTE, in + Q4_KRowGroups.SCALES + 16 * j + r);
                int mn = groups.get(ValueLayout.JAVA_BYTE, in + Q4_KRowGroups.MINS + 16 * j + r);
                if (j < 4) {
                    packed[j] |= (byte) sc;
                    packed[j + 4] |= (byte) mn;
                } else {
                    packed[j + 4] = (byte) ((sc & 0xF) | (mn & 0xF) << 4);
                    packed[j - 4] |= (byte) ((sc >>> 4) << 6);
                    packed[j] |= (byte) ((mn >>> 4) << 6);
                }
            }
            MemorySegment.copy(packed, 0, dst, ValueLayout.JAVA_BYTE, block + 4, 12);
            for (int k = 0; k < Q4_KKernels.BLOCK_SIZE; k++) {
                int q = Q4_KRowGroups.quantAt(groups, in, r, k);
                long at = block + 16 + 32 * (k / 64) + k % 32;
                int old = dst.get(ValueLayout.JAVA_BYTE, at) & 0xFF;
                int value = (k % 64) < 32 ? (old & 0xF0) | q : (old & 0x0F) | q << 4;
                dst.set(ValueLayout.JAVA_BYTE, at, (byte) value);
            }
        }
    }

    private static MemorySegment grouped(MemorySegment src, int rows, int cols) {
        MemorySegment groups = Arena.ofAuto().allocate(RowGroups.groupBytes(QuantType.Q4_K, cols) * (rows / ROWS), 64);
        for (int g = 0; g < rows / ROWS; g++) {
            RowGroups.repack(QuantType.Q4_K, src, g, cols, groups);
        }
        return groups;
    }

    private static Q8Activation activation(float[] x) {
        Q8Activation a = new Q8Activation(x.length);
        Q8Activation.quantizeQ8_K(x, 0, x.length, a);
        return a;
    }
}
