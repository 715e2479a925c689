package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The 256-bit and 512-bit vector kernels of Q4_K and Q6_K each equal the scalar twin to the bit, whichever of them
 * {@code dotVector} picks on this machine.
 */
class KQuantStepWidthTest {

    /** The three paths of one type. */
    private interface Dot {
        float dot(MemorySegment w, long off, Q8Activation x, int n);
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 512, 2048, 2816, 5632})
    void q4KBothStepWidthsMatchScalarBitForBit(int n) {
        check(QuantType.Q4_K, n, Q4_KKernels::dotScalar, Q4_KKernels::dotVector256, Q4_KKernels::dotVector512);
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 512, 2048, 2816, 5632})
    void q6KBothStepWidthsMatchScalarBitForBit(int n) {
        check(QuantType.Q6_K, n, Q6_KKernels::dotScalar, Q6_KKernels::dotVector256, Q6_KKernels::dotVector512);
    }

    private static void check(QuantType type, int n, Dot scalar, Dot narrow, Dot wide) {
        Random rnd = new Random(11L * n + type.typeId());
        int rows = 5;
        long prefix = 7;
        MemorySegment w = KernelFixtures.randomRows(type, rows, n, prefix, rnd);
        long rowBytes = type.rowBytes(n);
        for (int t = 0; t < 3; t++) {
            float[] v = KernelFixtures.gaussian(rnd, n, 0.5 + t);
            for (int i = 0; i < n; i++) v[i] += 0.3f; // off zero, so that the min term matters
            Q8Activation x = new Activation(n).set(v, 0, n).prepare(ActivationFormat.Q8_K).q8_K();
            for (int r = 0; r < rows; r++) {
                long off = prefix + r * rowBytes;
                int expected = Float.floatToRawIntBits(scalar.dot(w, off, x, n));
                if (GgmlLanes.VECTOR) {
                    assertEquals(expected, Float.floatToRawIntBits(narrow.dot(w, off, x, n)),
                            type + " 256-bit, n=" + n + " row " + r);
                }
                if (GgmlLanes.WIDE) {
                    assertEquals(expected, Float.floatToRawIntBits(wide.dot(w, off, x, n)),
                            type + " 512-bit, n=" + n + " row " + r);
                }
            }
        }
        assumeTrue(GgmlLanes.WIDE, "no 512-bit vectors here: only the 256-bit kernel was checked");
    }
}
