package dev.hearth.sampling;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.SplittableRandom;

import org.junit.jupiter.api.Test;

import dev.hearth.api.session.SamplingParams;

class SamplerTest {

    /** Probabilities 0.1, 0.2, 0.3, 0.4 at temperature 1. */
    private static final float[] LOGITS = {(float) Math.log(1), (float) Math.log(2), (float) Math.log(3),
            (float) Math.log(4)};

    private static SamplingParams params(float temp, int topK, float topP, float minP, float penalty, long seed) {
        return new SamplingParams(temp, topK, topP, minP, penalty, 64, seed);
    }

    private static SamplingParams plain(float temp) {
        return params(temp, 0, 1f, 0f, 1f, 42);
    }

    /** The distribution as {id, p} pairs in the sampler's candidate order. */
    private static void assertDistribution(Sampler s, float[] logits, int[] ids, double[] p) {
        int[] gotIds = new int[logits.length];
        float[] gotP = new float[logits.length];
        int n = s.distribution(logits, gotIds, gotP);
        assertArrayEquals(ids, Arrays.copyOf(gotIds, n), "candidates");
        for (int i = 0; i < n; i++) assertEquals(p[i], gotP[i], 1e-6, "p of token " + ids[i]);
    }

    @Test
    void temperatureOneIsTheSoftmax() {
        assertDistribution(new Sampler(plain(1f)), LOGITS, new int[] {0, 1, 2, 3}, new double[] {.1, .2, .3, .4});
    }

    @Test
    void temperatureSharpensBeforeTheSoftmax() {
        // T = 0.5 squares the probabilities: 1, 4, 9, 16 over 30
        assertDistribution(new Sampler(plain(0.5f)), LOGITS, new int[] {0, 1, 2, 3},
                new double[] {1 / 30., 4 / 30., 9 / 30., 16 / 30.});
    }

    @Test
    void topKKeepsTheBestSortedAndRenormalises() {
        assertDistribution(new Sampler(params(1f, 2, 1f, 0f, 1f, 1)), LOGITS, new int[] {3, 2},
                new double[] {4 / 7., 3 / 7.});
    }

    @Test
    void topPKeepsTheShortestHeadReachingP() {
        // sorted 0.4, 0.3, 0.2, 0.1; cumulative 0.4, 0.7, 0.9, 1.0
        assertDistribution(new Sampler(params(1f, 0, 0.35f, 0f, 1f, 1)), LOGITS, new int[] {3}, new double[] {1});
        assertDistribution(new Sampler(params(1f, 0, 0.5f, 0f, 1f, 1)), LOGITS, new int[] {3, 2},
                new double[] {4 / 7., 3 / 7.});
        assertDistribution(new Sampler(params(1f, 0, 0.8f, 0f, 1f, 1)), LOGITS, new int[] {3, 2, 1},
                new double[] {4 / 9., 3 / 9., 2 / 9.});
    }

    @Test
    void minPCutsBelowAFractionOfTheTopProbability() {
        // top p 0.4; min-p 0.6 keeps p >= 0.24: tokens 2 and 3
        assertDistribution(new Sampler(params(1f, 0, 1f, 0.6f, 1f, 1)), LOGITS, new int[] {2, 3},
                new double[] {3 / 7., 4 / 7.});
        // min-p 0.3 keeps p >= 0.12: tokens 1, 2, 3
        assertDistribution(new Sampler(params(1f, 0, 1f, 0.3f, 1f, 1)), LOGITS, new int[] {1, 2, 3},
                new double[] {2 / 9., 3 / 9., 4 / 9.});
    }

    @Test
    void filtersApplyInLlamaCppOrder() {
        // top-k 3 -> {3,2,1}; top-p 0.6 over 4/9,3/9,2/9 -> {3,2}; min-p 0.8 of 4/7 -> {3}... with 0.7: 3/7 >= 0.7*4/7
        assertDistribution(new Sampler(params(1f, 3, 0.6f, 0.7f, 1f, 1)), LOGITS, new int[] {3, 2},
                new double[] {4 / 7., 3 / 7.});
        assertDistribution(new Sampler(params(1f, 3, 0.6f, 0.8f, 1f, 1)), LOGITS, new int[] {3}, new double[] {1});
    }

    @Test
    void greedyTakesTheArgmaxLowestIdOnTies() {
        Sampler s = new Sampler(SamplingParams.greedy());
        assertEquals(3, s.sample(LOGITS));
        assertEquals(1, s.sample(new float[] {0f, 5f, 2f, 5f, 5f}));
        assertEquals(0, s.sample(new float[] {Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}));
    }

    @Test
    void topKOneEqualsGreedy() {
        SplittableRandom r = new SplittableRandom(5);
        Sampler greedy = new Sampler(SamplingParams.greedy());
        for (int trial = 0; trial < 200; trial++) {
            float[] logits = new float[1000];
            for (int i = 0; i < logits.length; i++) logits[i] = (float) r.nextGaussian();
            if (trial % 10 == 0) logits[r.nextInt(1000)] = logits[r.nextInt(1000)]; // some ties
            Sampler k1 = new Sampler(params(0.9f, 1, 0.95f, 0.05f, 1f, trial));
            assertEquals(greedy.sample(logits), k1.sample(logits), "trial " + trial);
        }
    }

    @Test
    void tiesInTopKPreferTheLowerId() {
        assertDistribution(new Sampler(params(1f, 2, 1f, 0f, 1f, 1)), new float[] {1f, 3f, 3f, 3f},
                new int[] {1, 2}, new double[] {.5, .5});
    }

    @Test
    void sameSeedSameSequenceOtherSeedOtherSequence() {
        int[] a = draws(SamplingParams.defaults(1234), 200);
        int[] b = draws(SamplingParams.defaults(1234), 200);
        int[] c = draws(SamplingParams.defaults(99), 200);
        assertArrayEquals(a, b);
        assertNotEquals(Arrays.toString(a), Arrays.toString(c));
    }

    @Test
    void resetRestartsTheSequence() {
        Sampler s = new Sampler(plain(1f));
        int[] first = new int[50];
        for (int i = 0; i < first.length; i++) first[i] = s.sample(LOGITS);
        s.reset();
        for (int i = 0; i < first.length; i++) assertEquals(first[i], s.sample(LOGITS));
    }

    private static int[] draws(SamplingParams p, int n) {
        SplittableRandom r = new SplittableRandom(1);
        float[] logits = new float[64];
        for (int i = 0; i < logits.length; i++) logits[i] = (float) r.nextGaussian();
        Sampler s = new Sampler(p);
        int[] out = new int[n];
        for (int i = 0; i < n; i++) out[i] = s.sample(logits);
        return out;
    }

    @Test
    void drawsFollowTheDistribution() {
        Sampler s = new Sampler(plain(1f));
        int[] counts = new int[4];
        int n = 200_000;
        for (int i = 0; i < n; i++) counts[s.sample(LOGITS)]++;
        for (int t = 0; t < 4; t++) assertEquals((t + 1) / 10.0, counts[t] / (double) n, 0.005, "token " + t);
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogits() {
        float[] logits = {2f, 1.9f, -1f, -3f};
        Sampler s = new Sampler(params(1f, 0, 1f, 0f, 2f, 1));
        s.accept(0);
        s.accept(2);
        s.accept(0); // counted once, as llama.cpp penalises distinct tokens
        // 2 -> 1, 1.9 stays, -1 -> -2, -3 stays
        double z = Math.exp(1) + Math.exp(1.9) + Math.exp(-2) + Math.exp(-3);
        assertDistribution(s, logits, new int[] {0, 1, 2, 3},
                new double[] {Math.exp(1) / z, Math.exp(1.9) / z, Math.exp(-2) / z, Math.exp(-3) / z});
        Sampler greedy = new Sampler(params(0f, 0, 1f, 0f, 2f, 1));
        assertEquals(0, greedy.sample(logits));
        greedy.accept(0);
        assertEquals(1, greedy.sample(logits), "the penalty applies to greedy decoding too");
    }

    @Test
    void repetitionPenaltyLooksOnlyAtTheLastN() {
        float[] logits = {2f, 1.9f};
        Sampler s = new Sampler(new SamplingParams(0f, 0, 1f, 0f, 2f, 2, 1));
        s.accept(0);
        assertEquals(1, s.sample(logits));
        s.accept(1);
        s.accept(1); // token 0 has left the window of 2
        assertEquals(0, s.sample(logits));
    }

    @Test
    void sampleDoesNotModifyTheLogits() {
        float[] logits = LOGITS.clone();
        Sampler s = new Sampler(params(0.7f, 2, 0.9f, 0.1f, 1.3f, 1));
        s.accept(3);
        s.sample(logits);
        assertArrayEquals(LOGITS, logits);
    }

    @Test
    void keysOrderByLogitThenLowerId() {
        assertTrue(Sampler.key(1f, 5) > Sampler.key(0.5f, 0));
        assertTrue(Sampler.key(-1f, 5) > Sampler.key(-2f, 0));
        assertTrue(Sampler.key(1f, 3) > Sampler.key(1f, 4));
        assertTrue(Sampler.key(Float.NEGATIVE_INFINITY, 0) < Sampler.key(-1e30f, 9));
        assertEquals(123456, Sampler.idOf(Sampler.key(-7f, 123456)));
    }
}
