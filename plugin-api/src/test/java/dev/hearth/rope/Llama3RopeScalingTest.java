package dev.hearth.rope;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/**
 * The llama3 factors against values worked out by hand from transformers' formula, for Llama 3.1's
 * {@code rope_scaling}: factor 32, low 1, high 4, original 8192, so wavelengths below 8192/4 = 2048 stay and those
 * above 8192/1 = 8192 are divided by 32.
 */
class Llama3RopeScalingTest {
    static final Llama3RopeScaling LLAMA_3_1 = new Llama3RopeScaling(32, 1, 4, 8192);

    static double inverseOfWavelength(double wavelength) {
        return 2 * Math.PI / wavelength;
    }

    @Test
    void shortWavelengthsStay() {
        assertEquals(1.0, LLAMA_3_1.multiplier(1.0)); // wavelength 2*pi
        assertEquals(1.0, LLAMA_3_1.multiplier(inverseOfWavelength(2047)));
    }

    @Test
    void longWavelengthsAreDividedByTheFactor() {
        assertEquals(1 / 32.0, LLAMA_3_1.multiplier(inverseOfWavelength(8193)));
        assertEquals(1 / 32.0, LLAMA_3_1.multiplier(inverseOfWavelength(1e6)));
        assertEquals(32.0, LLAMA_3_1.divisor(inverseOfWavelength(1e6)));
    }

    @Test
    void inBetweenIsSmooth() {
        // wavelength 4096: smooth = (8192/4096 - 1) / (4 - 1) = 1/3; multiplier = (2/3)/32 + 1/3 = 17/48
        assertEquals(17.0 / 48, LLAMA_3_1.multiplier(inverseOfWavelength(4096)), 1e-12);
        assertEquals(48.0 / 17, LLAMA_3_1.divisor(inverseOfWavelength(4096)), 1e-12);
        // the interpolation meets both ends: smooth 1 at 2048, 0 at 8192
        assertEquals(1.0, LLAMA_3_1.multiplier(inverseOfWavelength(2048)), 1e-12);
        assertEquals(1 / 32.0, LLAMA_3_1.multiplier(inverseOfWavelength(8192)), 1e-12);
    }

    /**
     * Llama 3.2 1B: theta 500000, head size 64. Wavelength 2*pi*500000^(i/32) passes 2048 after i = 14 and 8192
     * before i = 18; i = 16 has wavelength 2*pi*sqrt(500000) = 4442.88, smooth = (8192/4442.88 - 1)/3 = 0.281289,
     * divisor 1/((1 - smooth)/32 + smooth) = 3.29226.
     */
    @Test
    void divisorsOfLlama32() {
        float[] d = LLAMA_3_1.divisors(500000, 64);
        assertEquals(32, d.length);
        for (int i = 0; i <= 14; i++) assertEquals(1f, d[i], "divisor " + i);
        for (int i = 18; i < 32; i++) assertEquals(32f, d[i], "divisor " + i);
        assertArrayEquals(new float[] {1.6513292f, 3.2922626f, 9.66673f}, java.util.Arrays.copyOfRange(d, 15, 18), 1e-5f);
        float[] inv = RopeFrequencies.inverse(500000, 64);
        float[] scaled = LLAMA_3_1.scaledInverseFrequencies(500000, 64);
        for (int i = 0; i < 32; i++) {
            assertEquals(inv[i] / d[i], scaled[i], scaled[i] * 1e-6, "scaled frequency " + i);
        }
    }

    @Test
    void inverseFrequencies() {
        float[] f = RopeFrequencies.inverse(10000, 4);
        assertArrayEquals(new float[] {1f, 0.01f}, f, 1e-9f); // 10000^0, 10000^(-2/4)
        assertThrows(IllegalArgumentException.class, () -> RopeFrequencies.inverse(10000, 3));
    }

    @Test
    void badValuesNameTheirField() {
        assertField("factor", () -> new Llama3RopeScaling(0.5, 1, 4, 8192));
        assertField("factor", () -> new Llama3RopeScaling(Double.NaN, 1, 4, 8192));
        assertField("low_freq_factor", () -> new Llama3RopeScaling(8, 0, 4, 8192));
        assertField("high_freq_factor", () -> new Llama3RopeScaling(8, 4, 4, 8192));
        assertField("high_freq_factor", () -> new Llama3RopeScaling(8, 4, 1, 8192));
        assertField("original_max_position_embeddings", () -> new Llama3RopeScaling(8, 1, 4, 0));
    }

    private static void assertField(String field, org.junit.jupiter.api.function.Executable bad) {
        Llama3RopeScaling.InvalidException e = assertThrows(Llama3RopeScaling.InvalidException.class, bad);
        assertEquals(field, e.field());
        assertTrue(e.getMessage().startsWith(field + " "), e.getMessage());
    }
}
