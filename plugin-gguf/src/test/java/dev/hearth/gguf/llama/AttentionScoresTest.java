package dev.hearth.gguf.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;

import org.junit.jupiter.api.Test;

/** {@link AttentionScores#scores16} gives every key's {@link LlamaOps#dot16} times the scale, to the bit. */
class AttentionScoresTest {

    @Test
    void eightKeysAtOnceEqualDot16KeyByKey() {
        Random rnd = new Random(11);
        for (int n : new int[] {16, 64, 128}) {
            int stride = 3 * n + 5;
            int count = 37;
            float[] q = gaussian(rnd, n + 7);
            float[] keys = gaussian(rnd, 2 + count * stride);
            float scale = 0.125f;
            for (int keysNow = 0; keysNow <= count; keysNow++) {
                float[] out = new float[keysNow + 3];
                AttentionScores.scores16(q, 7, keys, 2, stride, keysNow, n, scale, out, 3);
                for (int t = 0; t < keysNow; t++) {
                    float expected = LlamaOps.dot16(keys, 2 + t * stride, q, 7, n) * scale;
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[3 + t]),
                            "n " + n + ", " + keysNow + " keys, key " + t + ": expected " + expected + " got "
                                    + out[3 + t]);
                }
            }
        }
    }

    private static float[] gaussian(Random rnd, int length) {
        float[] v = new float[length];
        // magnitudes spread over orders, so that the order of the additions shows in the last bits
        for (int i = 0; i < length; i++) v[i] = (float) (rnd.nextGaussian() * Math.pow(10, rnd.nextInt(5) - 2));
        return v;
    }
}
