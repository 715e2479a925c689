package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** {@link LaneSums} gives each group the tree sum of {@link Simd#sumLanes}, bit for bit, on both species it serves. */
class LaneSumsTest {

    @Test
    void everyGroupGetsItsTreeSum() {
        Random rnd = new Random(11);
        for (LaneSums sums : new LaneSums[] {LaneSums.FULL, LaneSums.STEP}) {
            int lanes = sums == LaneSums.FULL ? Simd.FLOAT.length() : GgmlLanes.FLOAT.length();
            for (int g = 2; g <= lanes; g *= 2) {
                for (int groups = lanes; groups <= 4 * lanes; groups += lanes) {
                    int at = 3;
                    float[] src = new float[at + groups * g];
                    for (int i = 0; i < src.length; i++) {
                        // mixed magnitudes: any other order of the additions differs in the last bits
                        src[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(6)));
                    }
                    float[] dst = new float[groups + 2];
                    float[] work = new float[LaneSums.WORK + 5];
                    sums.sums(src, at, groups, g, dst, 2, work, 5);
                    for (int k = 0; k < groups; k++) {
                        float[] tree = java.util.Arrays.copyOfRange(src, at + k * g, at + (k + 1) * g);
                        for (int half = g / 2; half > 0; half /= 2) {
                            for (int i = 0; i < half; i++) tree[i] += tree[i + half];
                        }
                        String where = lanes + " lanes, groups of " + g + ", group " + k + " of " + groups;
                        assertEquals(Float.floatToRawIntBits(tree[0]), Float.floatToRawIntBits(dst[2 + k]), where);
                    }
                }
            }
        }
    }

    @Test
    void badShapesAreRefused() {
        int lanes = Simd.FLOAT.length();
        float[] a = new float[1024];
        assertThrows(IllegalArgumentException.class, () -> LaneSums.FULL.sums(a, 0, lanes, 3, a, 0, a, 0));
        assertThrows(IllegalArgumentException.class, () -> LaneSums.FULL.sums(a, 0, lanes + 1, 2, a, 0, a, 0));
        assertThrows(IllegalArgumentException.class, () -> LaneSums.FULL.sums(a, 0, lanes, 2 * lanes, a, 0, a, 0));
    }
}
