package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@link UnpackedRow#dot} equals {@link QuantType#dot} to the bit, for every row and activation. */
class UnpackedRowTest {

    @ParameterizedTest
    @ValueSource(ints = {256, 512, 1024, 2048, 2816, 5632})
    void q4KMatchesDotBitForBit(int n) {
        matchesDotBitForBit(QuantType.Q4_K, n);
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 512, 1024, 2048, 2816, 5632})
    void q6KMatchesDotBitForBit(int n) {
        matchesDotBitForBit(QuantType.Q6_K, n);
    }

    private static void matchesDotBitForBit(QuantType type, int n) {
        assumeTrue(UnpackedRow.supports(type), "no 256-bit vector path here");
        Random rnd = new Random(n);
        int rows = 6;
        long prefix = 3;
        MemorySegment w = KernelFixtures.randomRows(type, rows, n, prefix, rnd);
        long rowBytes = type.rowBytes(n);
        Activation[] xs = new Activation[4];
        for (int t = 0; t < xs.length; t++) {
            float[] v = KernelFixtures.gaussian(rnd, n + t, 1.0 + t);
            xs[t] = new Activation(n).set(v, t, n).prepare(ActivationFormat.Q8_K);
        }
        UnpackedRow row = new UnpackedRow();
        for (int r = 0; r < rows; r++) {
            long off = prefix + r * rowBytes;
            row.unpack(type, w, off, n);
            for (int t = 0; t < xs.length; t++) {
                float expected = type.dot(w, off, xs[t], n);
                float actual = row.dot(xs[t]);
                assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(actual),
                        () -> type + " n=" + n + " expected " + expected + " got " + actual);
            }
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 2048})
    void reusedScratchShrinksGrowsAndSwitchesType(int n) {
        assumeTrue(UnpackedRow.supports(QuantType.Q4_K), "no 256-bit vector path here");
        Random rnd = new Random(7 + n);
        UnpackedRow row = new UnpackedRow();
        int step = 0;
        for (int size : new int[] {4 * n, n, 2 * n, n, 8 * n}) {
            QuantType type = step++ % 2 == 0 ? QuantType.Q4_K : QuantType.Q6_K;
            MemorySegment w = KernelFixtures.randomRows(type, 1, size, 0, rnd);
            Activation x = new Activation(size).set(KernelFixtures.gaussian(rnd, size, 1.0), 0, size)
                    .prepare(ActivationFormat.Q8_K);
            row.unpack(type, w, 0, size);
            assertEquals(Float.floatToRawIntBits(type.dot(w, 0, x, size)),
                    Float.floatToRawIntBits(row.dot(x)));
        }
    }
}
