package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** matVec over a row range equals the per-row dot of the dispatching kernel and leaves other rows alone. */
class MatVecTest {

    @ParameterizedTest
    @EnumSource(QuantType.class)
    void rowRange(QuantType type) {
        int rows = 10;
        int cols = 512;
        long seed = type.ordinal();
        Random rnd = new Random(seed);
        MemorySegment w = KernelFixtures.randomRows(type, rows, cols, 64, rnd);
        Activation x = new Activation(cols).set(KernelFixtures.gaussian(rnd, cols, 1), 0, cols)
                .prepare(type.activationFormat());
        float[] out = new float[rows];
        java.util.Arrays.fill(out, Float.NaN);
        MatVec.matVec(type, w, 64, rows, cols, x, out, 3, 8);
        for (int r = 0; r < rows; r++) {
            if (r < 3 || r >= 8) {
                assertEquals(Float.NaN, out[r], "row " + r + " outside the range, seed " + seed);
            } else {
                assertEquals(type.dot(w, 64 + r * type.rowBytes(cols), x, cols), out[r], "row " + r + " seed " + seed);
            }
        }
    }
}
