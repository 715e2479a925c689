package dev.hearth.gguf.quant;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import java.util.Random;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The vector quantizers of {@link Q8Activation} fill every array exactly as their scalar twins do: quants, scales,
 * sums and all the derived forms, on ordinary data and on the inputs where rounding, the max search or the casts
 * could tell them apart.
 */
class Q8ActivationVectorTest {

    /** One quantizer with the lane floats: scalar twins or vector paths. */
    private interface Quantizer {
        void quantize(float[] x, int off, int n, Q8Activation out);
    }

    private static final Quantizer Q8_K_SCALAR =
            withLaneFloats(Q8Activation::quantizeQ8_KScalar, Q8Activation::fillLaneFloatsScalar);
    private static final Quantizer Q8_K_VECTOR =
            withLaneFloats(Q8Activation::quantizeQ8_KVector, Q8Activation::fillLaneFloatsVector);
    private static final Quantizer Q8_0_SCALAR =
            withLaneFloats(Q8Activation::quantizeQ8_0Scalar, Q8Activation::fillLaneFloatsScalar);
    private static final Quantizer Q8_0_VECTOR =
            withLaneFloats(Q8Activation::quantizeQ8_0Vector, Q8Activation::fillLaneFloatsVector);

    private static Quantizer withLaneFloats(Quantizer quantizer, Consumer<Q8Activation> laneFloats) {
        return (x, off, n, out) -> {
            quantizer.quantize(x, off, n, out);
            laneFloats.accept(out);
        };
    }

    /** Lane floats are filled on request only, and a new quantization forgets them. */
    @Test
    void laneFloatsOnlyWhenAskedFor() {
        float[] x = KernelFixtures.gaussian(new Random(5), 512, 1.0);
        Activation a = new Activation(512).set(x, 0, 512);
        Q8Activation q = a.prepare(ActivationFormat.Q8_K).q8_K();
        assertThrows(IllegalStateException.class, q::laneFloats);
        a.prepare(ActivationFormat.Q8_K, true);
        assertEquals(q.quants()[4 * 3 + 1], q.laneFloats()[8 * 1 + 3], "float 8t + k is quant 4k + t");
        a.set(x, 0, 256).prepare(ActivationFormat.Q8_K);
        assertThrows(IllegalStateException.class, q::laneFloats);
    }

    @ParameterizedTest
    @ValueSource(ints = {256, 2048, 5632})
    void q8_KGaussianMatchesScalar(int n) {
        for (int off : new int[] {0, 3}) {
            long seed = 31L * n + off;
            float[] x = KernelFixtures.gaussian(new Random(seed), off + n, 2.0);
            checkQ8_K(x, off, n, "gaussian, seed " + seed + " off " + off);
        }
    }

    @ParameterizedTest
    @ValueSource(ints = {32, 256, 2048, 5632})
    void q8_0GaussianMatchesScalar(int n) {
        for (int off : new int[] {0, 5}) {
            long seed = 37L * n + off;
            float[] x = KernelFixtures.gaussian(new Random(seed), off + n, 0.7);
            checkQ8_0(x, off, n, "gaussian, seed " + seed + " off " + off);
        }
    }

    @Test
    void zeroBlocks() {
        float[] x = KernelFixtures.gaussian(new Random(1), 1024, 1.0);
        Arrays.fill(x, 256, 512, 0f);
        for (int i = 768; i < 1024; i++) {
            x[i] = (i & 1) == 0 ? 0f : -0f;
        }
        checkQ8_K(x, 0, 1024, "zero blocks");
        checkQ8_0(x, 0, 1024, "zero blocks");
    }

    /** Blocks whose largest magnitude occurs twice with opposite signs: the first decides the sign of the scale. */
    @Test
    void firstOfTwoLargestMagnitudesWins() {
        int[][] places = {{0, 1}, {3, 200}, {17, 18}, {31, 100}, {0, 255}, {15, 16}, {127, 128}, {254, 255}};
        for (int[] at : places) {
            for (float sign : new float[] {1f, -1f}) {
                float[] x = KernelFixtures.gaussian(new Random(at[0] * 256L + at[1]), 256, 1.0);
                x[at[0]] = 9f * sign;
                x[at[1]] = -9f * sign;
                String what = "largest at " + at[0] + " (" + 9f * sign + ") and " + at[1];
                Q8Activation v = checkQ8_K(x, 0, 256, what);
                assertEquals(-127, v.quants()[at[0]], what + ": the first maps to -127");
                assertEquals(127, v.quants()[at[1]], what);
                if (at[0] < 32 && at[1] < 32) {
                    checkQ8_0(x, 0, 32, what);
                }
            }
        }
    }

    /** Products exactly halfway between two integers round half to even, and their neighbours each way. */
    @Test
    void ties() {
        float[] x = new float[512];
        // block 0: max = -127, so iscale = 1 and x = k + 0.5 are ties; block 1: max = 254, iscale = -0.5, odd x
        x[0] = -127f;
        for (int j = 1; j < 256; j++) {
            x[j] = (j % 254) - 127 + 0.5f;
        }
        x[256] = 254f;
        for (int j = 1; j < 256; j++) {
            x[256 + j] = 2 * (j % 127) - 127;
        }
        checkQ8_K(x, 0, 512, "ties");
        checkQ8_0(x, 0, 512, "ties"); // ties only in the blocks of 32 holding -127 or 254
        float[] near = x.clone();
        for (int j = 1; j < 512; j++) {
            if (j != 256) {
                near[j] = (j & 1) == 0 ? Math.nextUp(x[j]) : Math.nextDown(x[j]);
            }
        }
        checkQ8_K(near, 0, 512, "next to ties");
        checkQ8_0(near, 0, 512, "next to ties");
        // Q8_0 with 127 in every block: id = 1 and every other element a tie
        float[] q0 = new float[256];
        for (int j = 0; j < 256; j++) {
            q0[j] = j % 32 == 7 ? 127f : (j % 254) - 127 + 0.5f;
        }
        checkQ8_0(q0, 0, 256, "Q8_0 ties");
    }

    /** Huge and tiny magnitudes (where {@code 127 / max} overflows), denormals, infinities and NaN. */
    @Test
    void extremeMagnitudes() {
        float[] scales = {3e38f, Float.MAX_VALUE, 1e30f, 1e-30f, 1e-37f, Float.MIN_NORMAL, 1e-39f, 1e-44f,
                Float.MIN_VALUE};
        for (float s : scales) {
            float[] x = KernelFixtures.gaussian(new Random(Float.floatToIntBits(s)), 512, 1.0);
            for (int i = 0; i < 512; i++) {
                x[i] = Math.min(Float.MAX_VALUE, Math.max(-Float.MAX_VALUE, x[i] * s));
            }
            checkQ8_K(x, 0, 512, "scale " + s);
            checkQ8_0(x, 0, 512, "scale " + s);
        }
        // one huge element among tiny ones: the rest quantize to zero through denormal products
        float[] mixed = KernelFixtures.gaussian(new Random(2), 512, 1e-38);
        mixed[40] = -2e38f;
        mixed[300] = Float.MIN_VALUE;
        checkQ8_K(mixed, 0, 512, "huge among tiny");
        checkQ8_0(mixed, 0, 512, "huge among tiny");
        float[][] specials = {{Float.POSITIVE_INFINITY}, {Float.NEGATIVE_INFINITY}, {Float.NaN},
                {Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}, {Float.NaN, Float.POSITIVE_INFINITY},
                {Float.intBitsToFloat(0xFFC00001)}};
        for (float[] special : specials) {
            float[] x = KernelFixtures.gaussian(new Random(3), 512, 1.0);
            for (int k = 0; k < special.length; k++) {
                x[260 + 37 * k] = special[k];
                x[5 + 11 * k] = special[k];
            }
            checkQ8_K(x, 0, 512, "specials " + Arrays.toString(special));
            checkQ8_0(x, 0, 512, "specials " + Arrays.toString(special));
        }
    }

    /**
     * Blocks of random magnitude from denormal to near overflow, with zeros, ties and infinities sprinkled in; so many
     * that the vector path runs compiled by C2 (whose intrinsics replace the Java code the first calls run) long before
     * the last.
     */
    @Test
    void randomMagnitudes() {
        for (long seed = 0; seed < 2000; seed++) {
            Random rnd = new Random(seed);
            float[] x = new float[2048 + 1];
            for (int b = 0; b < x.length / 32; b++) {
                float scale = (float) Math.scalb(1.0, rnd.nextInt(-150, 128));
                for (int j = 0; j < 32; j++) {
                    x[1 + 32 * b + j] = switch (rnd.nextInt(40)) {
                        case 0 -> 0f;
                        case 1 -> -0f;
                        case 2 -> rnd.nextInt(-127, 128) + 0.5f;
                        case 3 -> Float.POSITIVE_INFINITY;
                        default -> (float) Math.max(-Float.MAX_VALUE,
                                Math.min(Float.MAX_VALUE, rnd.nextGaussian() * scale));
                    };
                }
            }
            checkQ8_K(x, 1, 2048, "random magnitudes, seed " + seed);
            checkQ8_0(x, 1, 2048, "random magnitudes, seed " + seed);
        }
    }

    /** The comparison sees a one-element difference in any array, so the tests above can fail. */
    @Test
    void comparisonSeesEveryArray() {
        float[] x = KernelFixtures.gaussian(new Random(4), 512, 1.0);
        Q8Activation a = new Q8Activation(512);
        Q8_K_SCALAR.quantize(x, 0, 512, a);
        Consumer<Q8Activation>[] changes = changes();
        for (int c = 0; c < changes.length; c++) {
            Q8Activation b = new Q8Activation(512);
            Q8_K_SCALAR.quantize(x, 0, 512, b);
            changes[c].accept(b);
            assertThrows(AssertionError.class, () -> assertSameContents(a, b, "changed"), "change " + c);
        }
    }

    @SuppressWarnings("unchecked")
    private static Consumer<Q8Activation>[] changes() {
        return new Consumer[] {
                (Consumer<Q8Activation>) q -> q.quants()[300]++,
                (Consumer<Q8Activation>) q -> q.scales()[1] = -q.scales()[1],
                (Consumer<Q8Activation>) q -> q.sums()[17]++,
                (Consumer<Q8Activation>) q -> q.evens()[100]++,
                (Consumer<Q8Activation>) q -> q.odds()[101]++,
                (Consumer<Q8Activation>) q -> q.wideEvens()[200]++,
                (Consumer<Q8Activation>) q -> q.wideOdds()[201]++,
                (Consumer<Q8Activation>) q -> q.laneFloats()[402] += 1f,
                (Consumer<Q8Activation>) q -> q.pairSums()[9]++};
    }

    private static Q8Activation checkQ8_K(float[] x, int off, int n, String what) {
        return check(Q8_K_SCALAR, Q8_K_VECTOR, x, off, n, "Q8_K " + what);
    }

    private static Q8Activation checkQ8_0(float[] x, int off, int n, String what) {
        return check(Q8_0_SCALAR, Q8_0_VECTOR, x, off, n, "Q8_0 " + what);
    }

    /**
     * Runs both quantizers on buffers that first held the same other vector in the other format, so that an array
     * the vector path forgets to fill differs from the scalar one even where the right values are zero.
     */
    private static Q8Activation check(Quantizer scalar, Quantizer vector, float[] x, int off, int n, String what) {
        float[] noise = KernelFixtures.gaussian(new Random(n), n, 3.0);
        Q8Activation expected = new Q8Activation(n);
        Q8Activation actual = new Q8Activation(n);
        for (Q8Activation q : new Q8Activation[] {expected, actual}) {
            Q8_K_SCALAR.quantize(noise, 0, n / 256 * 256, q);
            Q8_0_SCALAR.quantize(noise, 0, n, q);
        }
        scalar.quantize(x, off, n, expected);
        vector.quantize(x, off, n, actual);
        assertSameContents(expected, actual, what);
        return actual;
    }

    private static void assertSameContents(Q8Activation expected, Q8Activation actual, String what) {
        assertEquals(expected.format(), actual.format(), what);
        assertEquals(expected.length(), actual.length(), what);
        assertArrayEquals(expected.quants(), actual.quants(), what + ": quants");
        assertArrayEquals(expected.scales(), actual.scales(), what + ": scales");
        assertArrayEquals(expected.sums(), actual.sums(), what + ": sums");
        assertArrayEquals(expected.evens(), actual.evens(), what + ": evens");
        assertArrayEquals(expected.odds(), actual.odds(), what + ": odds");
        assertArrayEquals(expected.wideEvens(), actual.wideEvens(), what + ": wideEvens");
        assertArrayEquals(expected.wideOdds(), actual.wideOdds(), what + ": wideOdds");
        assertArrayEquals(expected.laneFloats(), actual.laneFloats(), what + ": laneFloats");
        assertArrayEquals(expected.pairSums(), actual.pairSums(), what + ": pairSums");
    }
}
