package dev.hearth.gguf.llama;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import jdk.incubator.vector.FloatVector;
import org.junit.jupiter.api.Test;

/** ggml's exponential and the 16-lane sums: vector against scalar to the bit, and against Math.exp / double. */
class LlamaOpsTest {

    /** ggml's exponential is within about 2 ulps of the exact value over the range that matters. */
    static final double EXP_RELATIVE = 1e-6;

    @Test
    void expfVectorEqualsScalarAndIsAccurate() {
        long seed = 11;
        Random rnd = new Random(seed);
        int lanes = FloatVector.SPECIES_PREFERRED.length();
        float[] x = new float[lanes * 4000];
        for (int i = 0; i < x.length; i++) {
            x[i] = switch (i % 4) {
                case 0 -> (float) (rnd.nextGaussian() * 5);
                case 1 -> (float) (rnd.nextDouble() * 200 - 100);
                case 2 -> (float) (rnd.nextDouble() * 400 - 200);
                default -> (float) (rnd.nextGaussian() * 1e-3);
            };
        }
        x[0] = 0f;
        x[1] = -0f;
        x[2] = Float.NEGATIVE_INFINITY;
        x[3] = 88.7f;
        x[4] = -103f;
        for (int i = 0; i < x.length; i += lanes) {
            float[] v = new float[lanes];
            LlamaOps.expf(FloatVector.fromArray(FloatVector.SPECIES_PREFERRED, x, i)).intoArray(v, 0);
            for (int k = 0; k < lanes; k++) {
                float s = LlamaOps.expf(x[i + k]);
                assertEquals(Float.floatToRawIntBits(s), Float.floatToRawIntBits(v[k]),
                        "seed " + seed + ": expf(" + x[i + k] + ") vector " + v[k] + " scalar " + s);
                double exact = Math.exp(x[i + k]);
                if (exact > 1e-37 && exact < 1e38) {
                    assertTrue(Math.abs(s - exact) <= EXP_RELATIVE * exact, "expf(" + x[i + k] + ") = " + s);
                }
            }
        }
    }

    @Test
    void softmaxSumsToOne() {
        Random rnd = new Random(3);
        for (int n : new int[] {1, 7, 16, 17, 35, 100}) {
            float[] x = new float[n + 2];
            for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian() * 3;
            LlamaOps.softmax(x, 1, n);
            double sum = 0;
            for (int i = 1; i <= n; i++) sum += x[i];
            assertEquals(1.0, sum, 1e-5, "n=" + n);
        }
    }

    /**
     * The vector softmax equals its steps done one value at a time to the bit: the maximum, ggml's exponential
     * ({@code expf}, whose vector and scalar forms agree), the sum in groups of 16 ({@code sum16}) added in double, and
     * the scaling by the inverse.
     */
    @Test
    void softmaxEqualsItsScalarSteps() {
        Random rnd = new Random(13);
        for (int n : new int[] {1, 5, 16, 17, 100, 513}) {
            float[] x = new float[n + 2];
            for (int i = 0; i < x.length; i++) x[i] = (float) (4 * rnd.nextGaussian());
            float[] expected = x.clone();
            float max = Float.NEGATIVE_INFINITY;
            for (int i = 0; i < n; i++) max = Math.max(max, expected[1 + i]);
            for (int i = 0; i < n; i++) expected[1 + i] = LlamaOps.expf(expected[1 + i] - max);
            double sum = 0;
            for (int c = 0; c < n; c += 16) sum += LlamaOps.sum16(expected, 1 + c, Math.min(16, n - c));
            float inv = (float) (1.0 / sum);
            for (int i = 0; i < n; i++) expected[1 + i] *= inv;
            LlamaOps.softmax(x, 1, n);
            for (int i = 0; i < x.length; i++) {
                int at = i;
                assertEquals(Float.floatToRawIntBits(expected[i]), Float.floatToRawIntBits(x[i]),
                        () -> "n=" + n + " index " + at + ": expected " + expected[at] + " got " + x[at]);
            }
        }
    }

    @Test
    void sixteenLaneProductsMatchDouble() {
        Random rnd = new Random(5);
        int n = 64;
        int nT = 37;
        float[] a = new float[n + 3];
        float[] b = new float[n + 5];
        for (int i = 0; i < a.length; i++) a[i] = (float) rnd.nextGaussian();
        for (int i = 0; i < b.length; i++) b[i] = (float) rnd.nextGaussian();
        double ref = 0;
        for (int i = 0; i < n; i++) ref += (double) a[3 + i] * b[5 + i];
        assertEquals(ref, LlamaOps.dot16(a, 3, b, 5, n), 1e-4);

        float[] w = new float[nT];
        float[] v = new float[nT * n];
        for (int t = 0; t < nT; t++) w[t] = rnd.nextFloat();
        for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
        float[] out = new float[n];
        LlamaOps.weightedSum16(out, 0, w, 0, nT, v, 0, n, n);
        for (int d = 0; d < n; d++) {
            double e = 0;
            for (int t = 0; t < nT; t++) e += (double) w[t] * v[t * n + d];
            assertEquals(e, out[d], 1e-4, "d=" + d);
        }
    }

    /**
     * The weighted value sum in ggml's 16-lane order, to the bit: position {@code t} goes to lane {@code t mod 16} by
     * fused multiply-add, the lanes added as {@code sum16}; replayed here one output at a time, over runs that end
     * anywhere in a group of 16 and values at a stride with an offset.
     */
    @Test
    void weightedSum16AddsInGgmlsLaneOrder() {
        Random rnd = new Random(11);
        // 48: on 512-bit CPUs one pair of output vectors, then one alone
        for (int n : new int[] {16, 48, 64, 128}) {
            for (int nT : new int[] {1, 2, 9, 15, 16, 17, 31, 37, 100, 257}) {
                int stride = n + 48;
                int vOff = 5;
                float[] w = new float[nT + 3];
                float[] v = new float[vOff + nT * stride];
                for (int t = 0; t < w.length; t++) w[t] = rnd.nextFloat();
                for (int i = 0; i < v.length; i++) v[i] = (float) rnd.nextGaussian();
                float[] out = new float[n + 7];
                LlamaOps.weightedSum16(out, 7, w, 3, nT, v, vOff, stride, n);
                for (int d = 0; d < n; d++) {
                    float[] lanes = new float[16];
                    for (int t = 0; t < nT; t++) {
                        lanes[t & 15] = Math.fma(v[vOff + t * stride + d], w[3 + t], lanes[t & 15]);
                    }
                    float expected = LlamaOps.sum16(lanes, 0, 16);
                    int at = d;
                    assertEquals(Float.floatToRawIntBits(expected), Float.floatToRawIntBits(out[7 + d]),
                            () -> "n=" + n + " nT=" + nT + " d=" + at + ": expected " + expected + " got "
                                    + out[7 + at]);
                }
            }
        }
    }

    /**
     * RoPE with llama.cpp's frequency factors: pair i of a head turns by pos * base^(-2i/d) / factor[i], computed
     * here in double; factors of 1 give the unscaled rotation bit for bit, and the factors change the result.
     */
    @Test
    void ropeDividesEachFrequencyByItsFactor() {
        int headDim = 8;
        int heads = 2;
        int pos = 37;
        float base = 10000f;
        float[] factors = {1f, 2f, 8f, 32f};
        float[] x = new float[heads * headDim];
        Random rnd = new Random(5);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        float[] scaled = x.clone();
        float[] ones = x.clone();
        float[] plain = x.clone();
        float[] cos = new float[headDim / 2];
        float[] sin = new float[headDim / 2];
        LlamaOps.rope(scaled, 0, heads, headDim, headDim, pos, base, 1f, factors, cos, sin);
        LlamaOps.rope(ones, 0, heads, headDim, headDim, pos, base, 1f, new float[] {1f, 1f, 1f, 1f}, cos, sin);
        LlamaOps.rope(plain, 0, heads, headDim, headDim, pos, base, 1f, null, cos, sin);
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(plain[i]), Float.floatToRawIntBits(ones[i]), "element " + i);
        }
        for (int h = 0; h < heads; h++) {
            for (int i = 0; i < headDim / 2; i++) {
                double angle = pos * Math.pow(base, -2.0 * i / headDim) / factors[i];
                double x0 = x[h * headDim + 2 * i];
                double x1 = x[h * headDim + 2 * i + 1];
                assertEquals(x0 * Math.cos(angle) - x1 * Math.sin(angle), scaled[h * headDim + 2 * i], 1e-5, "pair " + i);
                assertEquals(x1 * Math.cos(angle) + x0 * Math.sin(angle), scaled[h * headDim + 2 * i + 1], 1e-5, "pair " + i);
            }
        }
        assertTrue(Math.abs(scaled[7] - plain[7]) > 1e-3, "the factors must change the rotation of the slow pairs");
    }

    /**
     * Rotating a row in pieces (as the pool's threads do on the pieces of the q and k products) gives the whole
     * row's rotation to the bit, with a partial rotary dimension (pairs past it stay); a piece splitting a pair is
     * refused.
     */
    @Test
    void rotatingInPiecesEqualsTheWholeRow() {
        int headDim = 16;
        int ropeDim = 12;
        int heads = 3;
        float[] x = new float[2 + heads * headDim];
        Random rnd = new Random(11);
        for (int i = 0; i < x.length; i++) x[i] = (float) rnd.nextGaussian();
        float[] whole = x.clone();
        float[] cos = new float[ropeDim / 2];
        float[] sin = new float[ropeDim / 2];
        LlamaOps.rope(whole, 2, heads, headDim, ropeDim, 123, 10000f, 1f, null, cos, sin);
        float[] pieces = x.clone();
        int[] cuts = {2, 6, 20, 22, 36, 2 + heads * headDim};
        for (int k = 0; k + 1 < cuts.length; k++) {
            LlamaOps.rotate(pieces, 2, cuts[k], cuts[k + 1], headDim, ropeDim, cos, sin);
        }
        for (int i = 0; i < x.length; i++) {
            assertEquals(Float.floatToRawIntBits(whole[i]), Float.floatToRawIntBits(pieces[i]), "element " + i);
        }
        for (int h = 0; h < heads; h++) {
            for (int d = ropeDim; d < headDim; d++) assertEquals(x[2 + h * headDim + d], whole[2 + h * headDim + d]);
        }
        assertTrue(whole[2] != x[2], "the first pair turns");
        assertThrows(IllegalArgumentException.class, () -> LlamaOps.rotate(pieces, 2, 3, 10, headDim, ropeDim, cos, sin));
    }
}
