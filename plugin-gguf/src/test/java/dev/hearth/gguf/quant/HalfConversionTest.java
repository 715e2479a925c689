package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.lang.foreign.MemorySegment;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The F16 conversion's choice by CPU and property, and that the loop and the vector steps give the same products to
 * the bit (the scaled product: {@link F16ScaledTest}).
 */
class HalfConversionTest {

    private static final String INTEL_FLAGS = "fpu sse2 avx2 fma f16c avx512f avx512bw avx512vl amx_tile";
    private static final String ZEN4_FLAGS = "fpu sse2 avx2 fma f16c avx512f avx512bw avx512vl avx512_bf16";

    @Test
    void intelWithAvx512TakesTheLoop() {
        assertTrue(HalfConversion.loop(null, "GenuineIntel", INTEL_FLAGS));
        assertFalse(HalfConversion.loop(null, "GenuineIntel", "fpu sse2 avx2 fma f16c"));
        assertFalse(HalfConversion.loop(null, "AuthenticAMD", ZEN4_FLAGS));
        assertFalse(HalfConversion.loop(" ", "", ""));
    }

    @Test
    void propertyOverridesTheChoice() {
        assertTrue(HalfConversion.loop("loop", "AuthenticAMD", ZEN4_FLAGS));
        assertFalse(HalfConversion.loop("vector", "GenuineIntel", INTEL_FLAGS));
        assertTrue(HalfConversion.loop(" scaled", "GenuineIntel", INTEL_FLAGS), "the CPU's choice for other rows");
        assertFalse(HalfConversion.loop("scaled", "AuthenticAMD", ZEN4_FLAGS));
        var e = assertThrows(IllegalArgumentException.class,
                () -> HalfConversion.loop("fast", "GenuineIntel", INTEL_FLAGS));
        assertEquals("hearth.f16.convert=fast: expected scaled, loop or vector", e.getMessage());
    }

    @Test
    void finiteRowsAreScaledExceptOnIntelWithAvx512() {
        assertTrue(HalfConversion.scaled(null, "AuthenticAMD", ZEN4_FLAGS));
        assertTrue(HalfConversion.scaled("", "GenuineIntel", "fpu sse2 avx2 fma f16c"));
        assertFalse(HalfConversion.scaled(null, "GenuineIntel", INTEL_FLAGS));
        assertTrue(HalfConversion.scaled("scaled ", "GenuineIntel", INTEL_FLAGS));
        assertFalse(HalfConversion.scaled("loop", "AuthenticAMD", ZEN4_FLAGS));
        assertFalse(HalfConversion.scaled("vector", "AuthenticAMD", ZEN4_FLAGS));
        assertThrows(IllegalArgumentException.class, () -> HalfConversion.scaled("fast", "AuthenticAMD", ZEN4_FLAGS));
    }

    /** Rows with and without a scalar tail and an odd vector, at an odd byte offset, activations at an offset. */
    @ParameterizedTest
    @ValueSource(ints = {1, 7, 33, 100, 2048, 2049, 2056, 5632, 5650})
    void bothConversionsGiveTheSameProduct(int n) {
        assumeTrue(Simd.ENABLED, "vector paths off");
        Random rnd = new Random(17L * n);
        long prefix = 3;
        int rows = 3;
        MemorySegment w = KernelFixtures.randomRows(QuantType.F16, rows, n, prefix, rnd);
        float[] x = KernelFixtures.gaussian(rnd, n + 5, 1.5);
        for (int r = 0; r < rows; r++) {
            long offset = prefix + r * QuantType.F16.rowBytes(n);
            float bits = F16Kernels.dotBits(w, offset, x, 5, n);
            float converted = F16Kernels.dotConverted(w, offset, x, 5, n);
            int row = r;
            assertEquals(Float.floatToRawIntBits(bits), Float.floatToRawIntBits(converted),
                    () -> "n=" + n + " row " + row + ": vector steps " + bits + ", loop " + converted);
        }
    }
}
