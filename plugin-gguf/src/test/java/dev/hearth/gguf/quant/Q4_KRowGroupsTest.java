package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.Random;

import org.junit.jupiter.api.Test;

/**
 * The Q4_K group layout (a round trip) and its 16-bit bound; what every grouped type's kernels owe is in
 * {@link RowGroupsTest}.
 */
class Q4_KRowGroupsTest {

    private static final int ROWS = RowGroupsTest.ROWS;

    @Test
    void restoringEveryRowGivesBackTheOriginalBlocks() {
        int cols = 768;
        MemorySegment src = KernelFixtures.randomRows(QuantType.Q4_K, 2 * ROWS, cols, 0, new Random(1));
        MemorySegment groups = RowGroupsTest.grouped(QuantType.Q4_K, src, 2 * ROWS, cols);
        long rowBytes = QuantType.Q4_K.rowBytes(cols);
        MemorySegment row = MemorySegment.ofArray(new byte[(int) rowBytes]);
        for (int r = 0; r < 2 * ROWS; r++) {
            restoreRow(groups, r, cols, row, 0);
            assertArrayEquals(src.asSlice(r * rowBytes, rowBytes).toArray(ValueLayout.JAVA_BYTE),
                    row.toArray(ValueLayout.JAVA_BYTE), "row " + r);
        }
    }

    /**
     * Every quant 15, every scale and min 63, activations at -127 / 127 of mixed signs and of one sign: neither the
     * 16-bit sums nor their pair sums (up to 32 x 15 x 127 a row and sub-block) may overflow.
     */
    @Test
    void largestQuantsAndActivationsDoNotOverflow() {
        RowGroupsTest.assumeWide();
        int cols = 512;
        MemorySegment src = KernelFixtures.randomRows(QuantType.Q4_K, ROWS, cols, 0, new Random(4));
        long rowBytes = QuantType.Q4_K.rowBytes(cols);
        for (int r = 0; r < ROWS; r++) {
            for (int b = 0; b < cols / 256; b++) {
                long block = r * rowBytes + b * 144L;
                src.asSlice(block + 4, 140).fill((byte) 0xFF);
            }
        }
        MemorySegment groups = RowGroupsTest.grouped(QuantType.Q4_K, src, ROWS, cols);
        for (boolean oneSign : new boolean[] {false, true}) {
            float[] big = new float[cols];
            Arrays.fill(big, -1f); // quants of +-127 (Q8_K maps the first largest magnitude to -127)
            for (int i = 0; i < cols && !oneSign; i += 3) big[i] = 1f;
            Q8Activation x = RowGroupsTest.activation(QuantType.Q4_K, big);
            float[] scalar = new float[ROWS];
            float[] vector = new float[ROWS];
            Q4_KRowGroups.dotGroupScalar(groups, 0, x, cols, scalar, 0);
            Q4_KRowGroups.dotGroup(groups, 0, x, cols, vector, 0);
            assertArrayEquals(scalar, vector, "one sign: " + oneSign);
            for (int r = 0; r < ROWS; r++) {
                assertEquals(Q4_KKernels.dotScalar(src, r * rowBytes, x, cols), vector[r], 1e-4 * Math.abs(vector[r]),
                        "one sign: " + oneSign + ", row " + r);
            }
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
}
