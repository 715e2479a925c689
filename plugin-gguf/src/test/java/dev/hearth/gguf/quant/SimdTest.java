package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import jdk.incubator.vector.VectorSpecies;
import org.junit.jupiter.api.Test;

/** The species choice and its override, and the fixed order of {@link Simd#sumLanes}. */
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

    /**
     * {@link Simd#sumLanes} adds in its documented tree, bit for bit, on the chosen species and on the others: lanes
     * of mixed magnitudes make any other order differ in the last bits.
     */
    @Test
    void sumLanesAddsInItsFixedTree() {
        Random rnd = new Random(5);
        for (VectorSpecies<Float> species : new VectorSpecies[] {Simd.FLOAT, FloatVector.SPECIES_128,
                FloatVector.SPECIES_256, FloatVector.SPECIES_512}) {
            if (species.vectorBitSize() > FloatVector.SPECIES_PREFERRED.vectorBitSize()) continue;
            for (int trial = 0; trial < 200; trial++) {
                float[] lanes = new float[species.length()];
                for (int i = 0; i < lanes.length; i++) {
                    lanes[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(7)));
                }
                float[] tree = lanes.clone();
                for (int half = tree.length / 2; half > 0; half >>= 1) {
                    for (int i = 0; i < half; i++) tree[i] += tree[i + half];
                }
                float actual = Simd.sumLanes(FloatVector.fromArray(species, lanes, 0));
                assertEquals(Float.floatToRawIntBits(tree[0]), Float.floatToRawIntBits(actual),
                        species + " trial " + trial);
            }
        }
    }
}
