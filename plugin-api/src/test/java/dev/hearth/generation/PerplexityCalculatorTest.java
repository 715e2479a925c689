package dev.hearth.generation;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.IntFunction;

import org.junit.jupiter.api.Test;

class PerplexityCalculatorTest {

    private static final int V = 50;
    private static final int BOS = 0;

    private static FakeSession session(int ctx, IntFunction<float[]> model) {
        return new FakeSession(ctx, model, new FakeTokenizer(), Optional.empty());
    }

    /** P(next = token + 1 mod V) = p, every other token (1 - p) / (V - 1). */
    private static IntFunction<float[]> successorModel(double p) {
        double q = (1 - p) / (V - 1);
        return token -> {
            float[] l = new float[V];
            java.util.Arrays.fill(l, (float) Math.log(q));
            l[(token + 1) % V] = (float) Math.log(p);
            return l;
        };
    }

    @Test
    void uniformLogitsGiveTheVocabularySize() {
        int[] tokens = new SplittableRandom(7).ints(16 * 3 + 5, 0, V).toArray();
        FakeSession s = session(32, t -> new float[V]);
        List<Double> seen = new ArrayList<>();
        PerplexityResult r = new PerplexityCalculator(s).compute(tokens, 16, BOS, (c, n, p) -> seen.add(p));
        assertEquals(V, r.ppl(), 1e-9);
        assertEquals(3, r.chunks(), "the 5 tokens of the tail are dropped");
        assertEquals(3 * (16 - 1 - 8), r.scoredTokens());
        assertEquals(3, seen.size());
        for (double p : r.runningPpl()) assertEquals(V, p, 1e-9);
        assertEquals(0, r.error(), 1e-4, "no spread: only rounding");
    }

    @Test
    void everyChunkStartsWithBosFromAnEmptyCache() {
        int[] tokens = new SplittableRandom(3).ints(40, 1, V).toArray();
        FakeSession s = session(20, t -> new float[V]);
        new PerplexityCalculator(s).compute(tokens, 20, BOS, PerplexityCalculator.ChunkListener.IGNORE);
        assertEquals(2, s.batches.size());
        for (int c = 0; c < 2; c++) {
            int[] batch = s.batches.get(c);
            assertEquals(20, batch.length);
            assertEquals(BOS, batch[0]);
            for (int i = 1; i < 20; i++) assertEquals(tokens[c * 20 + i], batch[i]);
        }
    }

    @Test
    void onlyTheSecondHalfIsScored() {
        double p = 0.5;
        double q = (1 - p) / (V - 1);
        int n = 16;
        int[] tokens = new int[2 * n];
        for (int i = 0; i < tokens.length; i++) tokens[i] = i % V; // follows the successor everywhere
        // misses the model makes in the first half of a chunk are not scored (first = n/2 = 8)
        tokens[3] = 40;          // predicted at position 2 of chunk 0
        tokens[n + 5] = 40;      // predicted at position 4 of chunk 1, and predicting at position 5
        tokens[n] = 33;          // a chunk's first token is never predicted
        // one break in the scored half: position 10 of chunk 1 expects 27 and sees 2, then position 11 (token 2)
        // expects 3 and sees 28: two scored misses
        tokens[n + 11] = 2;
        FakeSession s = session(n, successorModel(p));
        PerplexityResult r = new PerplexityCalculator(s).compute(tokens, n, -1, PerplexityCalculator.ChunkListener.IGNORE);
        int perChunk = n - 1 - n / 2;
        assertEquals(2 * perChunk, r.scoredTokens());
        // chunk 0 keeps its own first token (bos = -1); positions 8..14 predict 9..15: all hits
        assertEquals(1 / p, r.runningPpl()[0], 1e-6);
        double nll = (2 * perChunk - 2) * -Math.log(p) + 2 * -Math.log(q);
        assertEquals(Math.exp(nll / (2 * perChunk)), r.ppl(), 1e-6 * r.ppl());
    }

    @Test
    void refusesTooShortATextOrTooLargeAChunk() {
        FakeSession s = session(16, t -> new float[V]);
        PerplexityCalculator calc = new PerplexityCalculator(s);
        assertThrows(IllegalArgumentException.class,
                () -> calc.compute(new int[31], 16, BOS, PerplexityCalculator.ChunkListener.IGNORE));
        assertThrows(IllegalArgumentException.class,
                () -> calc.compute(new int[64], 32, BOS, PerplexityCalculator.ChunkListener.IGNORE));
    }

    @Test
    void logSoftmaxMatchesTheDefinition() {
        float[] l = {1f, 2f, 3f};
        double z = Math.exp(1) + Math.exp(2) + Math.exp(3);
        assertEquals(Math.log(Math.exp(2) / z), PerplexityCalculator.logSoftmax(l, 1), 1e-12);
    }

    @Test
    void memoryProbeParsesKilobytes() {
        assertEquals(123 * 1024L, MemoryProbe.parseKb("   123 kB"));
        assertEquals(-1, MemoryProbe.parseKb("x"));
        long peak = MemoryProbe.peakRssBytes();
        if (java.nio.file.Files.exists(java.nio.file.Path.of("/proc/self/status"))) {
            org.junit.jupiter.api.Assertions.assertTrue(peak > 0, "VmHWM read: " + peak);
        } else {
            assertEquals(-1, peak);
        }
    }
}
