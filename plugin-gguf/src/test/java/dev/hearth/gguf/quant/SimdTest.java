package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

/** The species choice and its override. */
class SimdTest {

    @Test
    void propertyIsHonoured() {
        String property = System.getProperty(Simd.BITS_PROPERTY);
        int preferred = Math.min(512, jdk.incubator.vector.FloatVector.SPECIES_PREFERRED.vectorBitSize());
        int expected = property == null ? preferred : Math.min(Integer.parseInt(property), preferred);
        assertEquals(expected, Simd.BITS, "species chosen with " + Simd.BITS_PROPERTY + "=" + property);
        if (Simd.ENABLED) {
            assertEquals(Simd.BITS, Simd.FLOAT.vectorBitSize());
            assertEquals(Simd.FLOAT.length(), Simd.SHORT_HALF.length());
            assertEquals(Simd.SHORT.length(), Simd.BYTE_HALF.length());
            assertEquals(Simd.BITS / 16, Simd.STEP);
        }
    }

    @Test
    void parsing() {
        assertEquals(0, Simd.chooseBits("0"));
        assertEquals(128, Simd.chooseBits(" 128 "));
        assertThrows(IllegalArgumentException.class, () -> Simd.chooseBits("96"));
        assertThrows(IllegalArgumentException.class, () -> Simd.chooseBits("wide"));
    }
}
