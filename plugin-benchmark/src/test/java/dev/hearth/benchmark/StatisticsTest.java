package dev.hearth.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The statistics against values computed by hand. */
class StatisticsTest {

    private static final double[] XS = {9, 2, 4, 4, 5, 4, 7, 5}; // sorted: 2 4 4 4 5 5 7 9

    @Test
    void meanAndSampleStddev() {
        assertEquals(5.0, Statistics.mean(XS), 1e-12); // 40 / 8
        // squared deviations: 9 1 1 1 0 0 4 16 = 32; sample variance 32 / 7
        assertEquals(Math.sqrt(32.0 / 7.0), Statistics.stddev(XS), 1e-12);
        assertEquals(0.0, Statistics.stddev(new double[] {3}), 0);
        assertTrue(Double.isNaN(Statistics.mean(new double[0])));
    }

    @Test
    void percentilesInterpolateBetweenClosestRanks() {
        assertEquals(2.0, Statistics.percentile(XS, 0), 1e-12);
        assertEquals(9.0, Statistics.percentile(XS, 100), 1e-12);
        assertEquals(4.5, Statistics.percentile(XS, 50), 1e-12);  // h = 3.5: 4 + 0.5 * (5 - 4)
        assertEquals(8.3, Statistics.percentile(XS, 95), 1e-12);  // h = 6.65: 7 + 0.65 * 2
        assertEquals(8.86, Statistics.percentile(XS, 99), 1e-12); // h = 6.93: 7 + 0.93 * 2
        assertEquals(4.0, Statistics.percentile(XS, 25), 1e-12);  // h = 1.75: 4 + 0.75 * 0
        assertEquals(7.0, Statistics.percentile(new double[] {7}, 95), 0);
        assertThrows(IllegalArgumentException.class, () -> Statistics.percentile(XS, 101));
    }

    @Test
    void summaryMatchesTheSingleFunctions() {
        Statistics.Summary s = Statistics.summarize(XS);
        assertEquals(8, s.n());
        assertEquals(5.0, s.mean(), 1e-12);
        assertEquals(Statistics.stddev(XS), s.stddev(), 1e-12);
        assertEquals(2.0, s.min(), 0);
        assertEquals(9.0, s.max(), 0);
        assertEquals(4.5, s.p50(), 1e-12);
        assertEquals(8.3, s.p95(), 1e-12);
        assertEquals(8.86, s.p99(), 1e-12);
        assertEquals(0, Statistics.summarize(new double[0]).n());
    }

    @Test
    void runSampleSpeedsAreTokensOverTime() {
        // 5 tokens: the first from the prompt (2 ms), then 4 decode steps of 1, 2, 3, 4 ms = 10 ms
        long ms = 1_000_000;
        RunSample s = new RunSample(1, 100, 5, 50 * ms, 52 * ms, new long[] {2 * ms, ms, 2 * ms, 3 * ms, 4 * ms},
                4, 10 * ms, 70 * ms, -1, -1, "max_tokens");
        assertEquals(4 / 0.010, s.genTps(), 1e-9);
        assertEquals(100 / 0.050, s.promptTps(), 1e-9);
        assertEquals(2.5, s.tptMs(), 1e-12);
        assertEquals(52.0, s.ttftMs(), 1e-12);
        assertEquals(4, s.decodeStepMillis().length);
        assertEquals(1.0, s.decodeStepMillis()[0], 1e-12);
        assertTrue(Double.isNaN(s.peakRssMb()));
    }
}
