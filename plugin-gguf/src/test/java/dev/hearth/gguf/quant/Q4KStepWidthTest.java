package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Q4_K's 256-bit and 512-bit vector kernels each equal the scalar twin to the bit, whichever of them
 * {@link Q4_KKernels#dotVector} picks on this machine.
 */
class Q4KStepWidthTest {

    @ParameterizedTest
    @ValueSource(ints = {256, 512, 2048, 2816, 5632})
    void bothStepWidthsMatchScalarBitForBit(int n) {
        Random rnd = new Random(11L * n);
        int rows = 5;
        long prefix = 7;
        MemorySegment w = KernelFixtures.randomRows(QuantType.Q4_K, rows, n, prefix, rnd);
        long rowBytes = QuantType.Q4_K.rowBytes(n);
        for (int t = 0; t < 3; t++) {
            float[] v = KernelFixtures.gaussian(rnd, n, 0.5 + t);
            for (int i = 0; i < n; i++) v[i] += 0.3f; // off zero, so that the min term matters
            Q8Activation x = new Activation(n).set(v, 0, n).prepare(ActivationFormat.Q8_K).q8_K();
            for (int r = 0; r < rows; r++) {
                long off = prefix + r * rowBytes;
                int expected = Float.floatToRawIntBits(Q4_KKernels.dotScalar(w, off, x, n));
                if (GgmlLanes.VECTOR) {
                    assertEquals(expected, Float.floatToRawIntBits(Q4_KKernels.dotVector256(w, off, x, n)),
                            "256-bit, n=" + n + " row " + r);
                }
                if (GgmlLanes.WIDE) {
                    assertEquals(expected, Float.floatToRawIntBits(Q4_KKernels.dotVector512(w, off, x, n)),
                            "512-bit, n=" + n + " row " + r);
                }
            }
        }
        assumeTrue(GgmlLanes.WIDE, "no 512-bit vectors here: only the 256-bit kernel was checked");
    }
}
