package dev.hearth.gguf.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.hearth.gguf.quant.Activation;
import dev.hearth.gguf.quant.ActivationFormat;
import dev.hearth.gguf.quant.QuantType;
import dev.hearth.gguf.quant.RowGroups;
import dev.hearth.gguf.quant.TokenPanel;

/**
 * Row groups times prompt batches of a panel or more, decoded to floats ({@code DecodedGroup}): Q8_0's give each
 * product the same float, to the bit, as the mapped rows unpacked through the same panel, and both lie within float
 * rounding of the exact integer sums; Q4_K's the float each token gets alone from the group.
 */
class GroupedPromptTest {

    /** Three groups; 66 blocks a row, so the panel kernels' slices of 2048 weights end inside a row. */
    private static final int ROWS = 48;
    private static final int COLS = 2112;

    @ParameterizedTest
    @ValueSource(ints = {32, 37, 96})
    void groupsGiveTheUnpackedRowsProducts(int batch) {
        assumeTrue(RowGroups.supported() && TokenPanel.applies(QuantType.Q8_0, batch, true),
                "Q8_0 row groups and token panels need 512-bit vectors, which this CPU lacks");
        Random rnd = new Random(7L + batch);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(3)) {
            MemorySegment rows = q8_0Rows(arena, rnd);
            WeightMatrix mapped = new WeightMatrix("w", QuantType.Q8_0, rows, ROWS, COLS);
            WeightMatrix grouped = mapped.withRowGroups(arena.allocate(mapped.groupBytes(), 64), pool);
            assertNotNull(grouped.groups());
            assertTrue(grouped.takesPanel(batch), "grouped Q8_0 rows take the panel");
            Activation[] xs = new Activation[batch];
            for (int b = 0; b < batch; b++) {
                float[] x = new float[COLS];
                for (int i = 0; i < COLS; i++) x[i] = (float) (rnd.nextGaussian() * (1 + b % 5));
                xs[b] = new Activation(COLS).set(x, 0, COLS);
            }
            float[][] expected = new float[batch][ROWS];
            float[][] actual = new float[batch][ROWS];
            mapped.matMul(xs, 0, batch, expected, pool);
            grouped.matMul(xs, 0, batch, actual, pool);
            for (int b = 0; b < batch; b++) {
                assertArrayEquals(expected[b], actual[b], "activation " + b);
                for (int r = 0; r < ROWS; r++) {
                    double exact = exactDot(rows, r, xs[b]);
                    assertEquals(exact, actual[b][r], 1e-5 * magnitude(rows, r, xs[b]),
                            "activation " + b + ", row " + r);
                }
            }
        }
    }

    /**
     * Q4_K groups decoded for a panel sum each super-block's integer products exactly in floats, then scale it as the
     * group kernel does: every product equals the one the same token gets alone, to the bit.
     */
    @ParameterizedTest
    @ValueSource(ints = {32, 37, 96})
    void q4_KGroupsGiveEachTokenItsOwnProducts(int batch) {
        assumeTrue(RowGroups.supported() && TokenPanel.applies(QuantType.Q4_K, batch, true),
                "Q4_K row groups and token panels need 512-bit vectors, which this CPU lacks");
        Random rnd = new Random(11L + batch);
        int cols = 2304;
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(3)) {
            WeightMatrix mapped = new WeightMatrix("w", QuantType.Q4_K, q4_KRows(arena, rnd, cols), ROWS, cols);
            WeightMatrix grouped = mapped.withRowGroups(arena.allocate(mapped.groupBytes(), 64), pool);
            assertTrue(grouped.takesPanel(batch), "grouped Q4_K rows take the panel");
            assertFalse(mapped.takesPanel(batch), "unpacked Q4_K rows keep their integer tiles");
            Activation[] xs = new Activation[batch];
            for (int b = 0; b < batch; b++) {
                float[] x = new float[cols];
                for (int i = 0; i < cols; i++) x[i] = (float) (rnd.nextGaussian() * (1 + b % 5));
                xs[b] = new Activation(cols).set(x, 0, cols);
            }
            float[][] together = new float[batch][ROWS];
            float[][] alone = new float[batch][ROWS];
            float[][] rows = new float[batch][ROWS];
            grouped.matMul(xs, 0, batch, together, pool);
            mapped.matMul(xs, 0, batch, rows, pool);
            for (int b = 0; b < batch; b++) {
                grouped.matMul(xs, b, b + 1, alone, pool);
                assertArrayEquals(alone[b], together[b], "activation " + b);
                for (int r = 0; r < ROWS; r++) {
                    assertEquals(rows[b][r], together[b][r], 1e-3 * (1 + Math.abs(rows[b][r])),
                            "activation " + b + ", row " + r + " against the mapped rows (float order only)");
                }
            }
        }
    }

    /** Q4_K rows of random bytes, each block's {@code d} and {@code dmin} small positive halves. */
    private static MemorySegment q4_KRows(Arena arena, Random rnd, int cols) {
        int blocks = ROWS * cols / 256;
        MemorySegment w = arena.allocate((long) blocks * 144);
        for (int k = 0; k < blocks; k++) {
            for (int half = 0; half < 2; half++) { // d, dmin
                w.set(ValueLayout.JAVA_SHORT_UNALIGNED, 144L * k + 2 * half,
                        Float.floatToFloat16((float) (rnd.nextDouble() / 64)));
            }
            for (int j = 4; j < 144; j++) w.set(ValueLayout.JAVA_BYTE, 144L * k + j, (byte) rnd.nextInt(256));
        }
        return w;
    }

    /** Row {@code r} times the activation's Q8_0 form, summed in doubles. */
    private static double exactDot(MemorySegment rows, int r, Activation x) {
        return dot(rows, r, x, false);
    }

    /** The sum of the magnitudes of those terms: the scale of the float sums' rounding. */
    private static double magnitude(MemorySegment rows, int r, Activation x) {
        return dot(rows, r, x, true);
    }

    private static double dot(MemorySegment rows, int r, Activation x, boolean magnitudes) {
        var q = x.prepare(ActivationFormat.Q8_0).q8_0();
        double sum = 0;
        for (int k = 0; k < COLS; k++) {
            long block = QuantType.Q8_0.rowBytes(COLS) * r + 34L * (k / 32);
            double term = Float.float16ToFloat(rows.get(ValueLayout.JAVA_SHORT_UNALIGNED, block))
                    * rows.get(ValueLayout.JAVA_BYTE, block + 2 + k % 32) * q.get(k);
            sum += magnitudes ? Math.abs(term) : term;
        }
        return sum;
    }

    /** Q8_0 rows of random quants and scales. */
    private static MemorySegment q8_0Rows(Arena arena, Random rnd) {
        int blocks = ROWS * COLS / 32;
        MemorySegment w = arena.allocate((long) blocks * 34);
        for (int k = 0; k < blocks; k++) {
            float d = (float) (0.01 + rnd.nextDouble() / 16);
            w.set(ValueLayout.JAVA_SHORT_UNALIGNED, 34L * k, Float.floatToFloat16(d));
            for (int j = 0; j < 32; j++) w.set(ValueLayout.JAVA_BYTE, 34L * k + 2 + j, (byte) (rnd.nextInt(256) - 128));
        }
        return w;
    }
}
