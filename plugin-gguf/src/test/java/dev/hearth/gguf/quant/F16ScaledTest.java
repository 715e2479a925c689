package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The F16 product for rows of finite halves ({@link F16Kernels#dotScaled}) against the vector steps' to the bit, the
 * activations times 2^112 it takes, and the scan that rules out infinities and NaNs.
 */
class F16ScaledTest {

    /** Halves where a conversion slips first: zeros, subnormals, the smallest normal, the largest finite. */
    private static final short[] EDGES = {0x0000, (short) 0x8000, 0x0001, (short) 0x8001, 0x03FF, (short) 0x83FF,
            0x0400, (short) 0x8400, 0x3C00, (short) 0xBC00, 0x7BFF, (short) 0xFBFF};

    /** Rows with and without a scalar tail and an odd vector, at an odd byte offset, activations at an offset. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 100, 2048, 2049, 2056, 5632, 5650})
    void scaledProductIsTheVectorStepsToTheBit(int n) {
        assumeTrue(Simd.ENABLED, "vector paths off");
        Random rnd = new Random(29L * n);
        long prefix = 3;
        int rows = 3;
        MemorySegment w = KernelFixtures.randomRows(QuantType.F16, rows, n, prefix, rnd);
        long rowBytes = QuantType.F16.rowBytes(n);
        for (int i = 0; i < Math.min(n, 2 * EDGES.length); i++) {
            w.set(KernelFixtures.SHORT, prefix + rowBytes + 2L * rnd.nextInt(n), EDGES[i % EDGES.length]);
        }
        float[] x = KernelFixtures.gaussian(rnd, n + 5, 1.5);
        x[5] = 1e-40f; // subnormal
        if (n > 2) x[6] = 65535.99f; // the largest magnitude scaled exactly
        Activation a = new Activation(n).set(x, 5, n).prepareHalvesScaled();
        float[] scaled = a.halvesScaled();
        assertNotNull(scaled, "every activation below 2^16");
        for (int r = 0; r < rows; r++) {
            long offset = prefix + r * rowBytes;
            assertTrue(F16Kernels.allFinite(w, offset, n), "row " + r + " holds only finite halves");
            float steps = F16Kernels.dotBits(w, offset, x, 5, n);
            float fast = F16Kernels.dotScaled(w, offset, scaled, n);
            int row = r;
            assertEquals(Float.floatToRawIntBits(steps), Float.floatToRawIntBits(fast),
                    () -> "n=" + n + " row " + row + ": vector steps " + steps + ", scaled " + fast);
        }
    }

    @Test
    void activationsOf2To16OrMoreAreNotScaled() {
        float[] x = {1f, -2f, 65536f, 3f};
        Activation a = new Activation(4).set(x, 0, 4);
        assertThrows(IllegalStateException.class, a::halvesScaled, "not prepared yet");
        assertNull(a.prepareHalvesScaled().halvesScaled(), "2^16 times 2^112 overflows");

        x[2] = -65535.99f;
        a.set(x, 0, 4);
        assertThrows(IllegalStateException.class, a::halvesScaled, "set forgets the scaled floats");
        float[] scaled = a.prepareHalvesScaled().halvesScaled();
        assertNotNull(scaled);
        assertEquals(-65535.99f * 0x1p112f, scaled[2]);
        assertEquals(0x1p112f, scaled[0]);

        x[1] = Float.NEGATIVE_INFINITY; // stays what it is, and so do its products
        a.invalidate();
        assertEquals(Float.NEGATIVE_INFINITY, a.prepareHalvesScaled().halvesScaled()[1]);
    }

    /** Where the activations cannot be scaled, the row takes F16's own product: the same float. */
    @Test
    void finiteProductFallsBackForLargeActivations() {
        int n = 300;
        Random rnd = new Random(5);
        MemorySegment w = KernelFixtures.randomRows(QuantType.F16, 1, n, 0, rnd);
        float[] x = KernelFixtures.gaussian(rnd, n, 1.0);
        x[17] = 1e6f;
        Activation a = new Activation(n).set(x, 0, n).prepare(ActivationFormat.F32).prepareHalvesScaled();
        assertNull(a.halvesScaled());
        assertEquals(QuantType.F16.dot(w, 0, a, n), F16Kernels.dotFinite(w, 0, a, n));
        x[17] = 1e4f;
        a.invalidate();
        a.prepareHalvesScaled();
        assertEquals(Float.floatToRawIntBits(QuantType.F16.dot(w, 0, a, n)),
                Float.floatToRawIntBits(F16Kernels.dotFinite(w, 0, a, n)));
    }

    /** An infinity or NaN anywhere in the range, at the vectors' positions and in the tail, fails the scan. */
    @ParameterizedTest
    @ValueSource(ints = {0x7C00, 0xFC00, 0x7E00, 0x7C01, 0xFFFF})
    void scanFindsEveryInfinityAndNaN(int bad) {
        int n = 1000;
        long prefix = 1;
        MemorySegment w = KernelFixtures.randomRows(QuantType.F16, 1, n, prefix, new Random(bad));
        assertTrue(F16Kernels.allFinite(w, prefix, n));
        for (int at : new int[] {0, 15, 16, 511, 990, 999}) {
            short before = w.get(KernelFixtures.SHORT, prefix + 2L * at);
            w.set(KernelFixtures.SHORT, prefix + 2L * at, (short) bad);
            assertFalse(F16Kernels.allFinite(w, prefix, n), "half " + Integer.toHexString(bad) + " at " + at);
            assertTrue(F16Kernels.allFinite(w, prefix, at), "the halves before it");
            assertTrue(F16Kernels.allFinite(w, prefix + 2L * (at + 1), n - at - 1), "the halves after it");
            w.set(KernelFixtures.SHORT, prefix + 2L * at, before);
        }
        assertTrue(F16Kernels.allFinite(w, prefix, 0), "no halves");
    }
}
