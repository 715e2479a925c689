package dev.hearth.gguf.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Random;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.hearth.gguf.quant.Activation;
import dev.hearth.gguf.quant.F16Kernels;
import dev.hearth.gguf.quant.QuantType;

/** F16 matrices scanned for infinities and NaNs at load, and the products of those found finite. */
class HalvesCheckedTest {

    private static final int ROWS = 200;
    private static final int COLS = 333;
    private static final ValueLayout.OfShort HALF = ValueLayout.JAVA_SHORT_UNALIGNED;

    @BeforeEach
    void scaledRowsTaken() {
        assumeTrue(F16Kernels.scalesFiniteRows(), "this CPU keeps one F16 product for every row (HalfConversion), so"
                + " nothing is scanned");
    }

    /** One session, two, and a batch that goes over unpacked rows: the same floats as before the scan. */
    @ParameterizedTest
    @ValueSource(ints = {1, 2, 5})
    void finiteMatrixGivesTheSameProducts(int batch) {
        Random rnd = new Random(41L + batch);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(3)) {
            WeightMatrix m = new WeightMatrix("w", QuantType.F16, halves(arena, rnd), ROWS, COLS);
            WeightMatrix checked = m.withHalvesChecked(pool);
            assertTrue(checked.finiteHalves());
            assertSame(checked, checked.withHalvesChecked(pool), "checked once");
            Activation[] xs = new Activation[batch];
            for (int b = 0; b < batch; b++) {
                float[] x = new float[COLS];
                for (int i = 0; i < COLS; i++) x[i] = (float) (rnd.nextGaussian() * 3);
                xs[b] = new Activation(COLS).set(x, 0, COLS);
            }
            float[][] expected = new float[batch][ROWS];
            float[][] actual = new float[batch][ROWS];
            m.matMul(xs, 0, batch, expected, pool);
            checked.matMul(xs, 0, batch, actual, pool);
            for (int b = 0; b < batch; b++) assertArrayEquals(expected[b], actual[b], "activation " + b);
        }
    }

    @Test
    void oneNaNOrInfinityKeepsTheMatrixAsItIs() {
        Random rnd = new Random(3);
        try (Arena arena = Arena.ofShared(); WorkerPool pool = new WorkerPool(3)) {
            for (short bad : new short[] {0x7C00, (short) 0xFE01}) {
                MemorySegment data = halves(arena, rnd);
                data.set(HALF, QuantType.F16.rowBytes(COLS) * (ROWS - 1) + 2L * (COLS - 1), bad);
                WeightMatrix m = new WeightMatrix("w", QuantType.F16, data, ROWS, COLS);
                assertSame(m, m.withHalvesChecked(pool), "half " + Integer.toHexString(bad & 0xFFFF));
            }
            WeightMatrix q8 = new WeightMatrix("w", QuantType.Q8_0, arena.allocate(QuantType.Q8_0.rowBytes(64)), 1,
                    64);
            assertSame(q8, q8.withHalvesChecked(pool), "only F16 matrices are scanned");
        }
    }

    private static MemorySegment halves(Arena arena, Random rnd) {
        MemorySegment s = arena.allocate(QuantType.F16.rowBytes(COLS) * ROWS);
        for (long i = 0; i < (long) ROWS * COLS; i++) {
            s.set(HALF, 2 * i, Float.floatToFloat16((float) rnd.nextGaussian()));
        }
        return s;
    }
}
