package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.foreign.MemorySegment;
import java.util.EnumMap;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Reference quantizers (round trip) and the activation quantizers. */
class QuantizerTest {

    /** Round-trip NMSE of Gaussian weights: about 2^-2b of the weight variance, with headroom. */
    static final Map<QuantType, Double> ROUND_TRIP_NMSE = new EnumMap<>(Map.of(
            QuantType.F32, 0.0,
            QuantType.F16, 1e-7,
            QuantType.BF16, 1e-4,
            QuantType.Q8_0, 1e-4,
            QuantType.Q6_K, 1e-3,
            QuantType.Q4_0, 2e-2,
            QuantType.Q4_K, 2e-2));

    @ParameterizedTest
    @EnumSource(value = QuantType.class, names = {"F32", "F16", "BF16", "Q8_0", "Q4_0", "Q4_K", "Q6_K"})
    void roundTrip(QuantType type) {
        for (int n : new int[] {256, 4096}) {
            long seed = 17L * type.typeId() + n;
            float[] x = KernelFixtures.gaussian(new Random(seed), n, 0.02);
            MemorySegment s = MemorySegment.ofArray(new byte[(int) type.rowBytes(n) + 1]);
            GgmlQuantizer.quantizeRow(type, x, 0, n, s, 1);
            float[] y = new float[n];
            type.dequantizeRow(s, 1, y, 0, n);
            double[] xd = new double[n];
            double[] yd = new double[n];
            for (int i = 0; i < n; i++) {
                xd[i] = x[i];
                yd[i] = y[i];
            }
            double nmse = KernelFixtures.nmse(yd, xd);
            assertTrue(nmse <= ROUND_TRIP_NMSE.get(type),
                    type + " n=" + n + " seed=" + seed + ": round-trip NMSE " + nmse);
        }
    }

    @Test
    void unsupportedReferenceQuantizerSaysWhatIs() {
        var e = assertThrows(UnsupportedOperationException.class, () -> GgmlQuantizer.quantizeRow(
                QuantType.Q2_K, new float[256], 0, 256, MemorySegment.ofArray(new byte[84]), 0));
        assertTrue(e.getMessage().contains("Q4_K"), e.getMessage());
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 512, 4096})
    void q8_KActivation(int n) {
        long seed = n;
        float[] x = KernelFixtures.gaussian(new Random(seed), n + 2, 3.0);
        Q8Activation q = new Q8Activation(n);
        Q8Activation.quantizeQ8_K(x, 2, n, q);
        assertEquals(ActivationFormat.Q8_K, q.format());
        for (int b = 0; b < n / 256; b++) {
            int amaxAt = -1;
            for (int j = 0; j < 256; j++) {
                int v = q.quants()[256 * b + j];
                assertTrue(v >= -127 && v <= 127, "seed " + seed);
                if (Math.abs(v) == 127 && amaxAt < 0) {
                    amaxAt = j;
                }
            }
            assertTrue(amaxAt >= 0, "the largest element maps to +-127, seed " + seed);
            for (int g = 0; g < 16; g++) {
                int sum = 0;
                for (int j = 0; j < 16; j++) {
                    sum += q.quants()[256 * b + 16 * g + j];
                }
                assertEquals(sum, q.sums()[16 * b + g], "bsums, seed " + seed);
            }
        }
        for (int i = 0; i < n; i++) {
            float step = Math.abs(q.scales()[i / 256]);
            assertEquals(x[2 + i], q.get(i), 0.5001f * step, "element " + i + " seed " + seed);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 256, 4096})
    void q8_0Activation(int n) {
        long seed = n + 1;
        float[] x = KernelFixtures.gaussian(new Random(seed), n, 1.0);
        x[5] = 0f;
        Q8Activation q = new Q8Activation(n);
        Q8Activation.quantizeQ8_0(x, 0, n, q);
        assertEquals(ActivationFormat.Q8_0, q.format());
        for (int b = 0; b < n / 32; b++) {
            int sum = 0;
            for (int j = 0; j < 32; j++) {
                sum += q.quants()[32 * b + j];
            }
            assertEquals(sum, q.sums()[b], "block sums, seed " + seed);
            float d = q.scales()[b];
            assertEquals(d, Float.float16ToFloat(Float.floatToFloat16(d)), "scale is an F16 value");
        }
        for (int i = 0; i < n; i++) {
            // the scale is rounded to F16 after quantizing: half a step plus the F16 rounding of the scale
            assertEquals(x[i], q.get(i), 0.51f * q.scales()[i / 32] + 1e-3f * Math.abs(x[i]),
                    "element " + i + " seed " + seed);
        }
    }

    @Test
    void activationChecksFormatAndLength() {
        Activation a = new Activation(512).set(new float[512], 0, 256);
        assertThrows(IllegalStateException.class, a::q8_K);
        a.prepare(ActivationFormat.Q8_K);
        assertThrows(IllegalStateException.class, a::q8_0);
        MemorySegment w = MemorySegment.ofArray(new byte[144 * 2]);
        assertThrows(IllegalStateException.class, () -> Q4_KKernels.dotVector(w, 0, a.q8_K(), 512));
        assertThrows(IllegalArgumentException.class, () -> Q4_KKernels.dotScalar(w, 0, a.q8_K(), 100));
        assertThrows(IllegalArgumentException.class, () -> new Activation(100).set(new float[512], 0, 512));
    }
}
