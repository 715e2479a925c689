package dev.hearth.benchmark;

import java.util.List;
import java.util.Objects;

/**
 * Everything one {@code hearth bench} run measured, with its environment and parameters.
 *
 * @param environment where it ran
 * @param runs        measured repetitions per scenario
 * @param warmup      unreported warm-up repetitions per scenario
 * @param seed        seed of the random token ids of ppN / tgN
 * @param cancelled   whether the user stopped the run before the end
 * @param notes       lines every printer shows, e.g. that a model's weights are random
 * @param results     one per backend, model and scenario, in the order they ran
 */
public record BenchmarkReport(Environment environment, int runs, int warmup, long seed, boolean cancelled,
                              List<String> notes, List<BenchmarkResult> results) {

    public BenchmarkReport {
        Objects.requireNonNull(environment, "environment");
        notes = List.copyOf(notes);
        results = List.copyOf(results);
    }

    /** A report whose notes say which models have random weights, then {@code extra}. */
    public static BenchmarkReport of(Environment environment, int runs, int warmup, long seed, boolean cancelled,
                                     List<BenchmarkResult> results, List<String> extra) {
        java.util.Set<String> random = new java.util.LinkedHashSet<>();
        for (BenchmarkResult r : results) {
            if (r.randomWeights()) random.add(r.model());
        }
        List<String> notes = new java.util.ArrayList<>();
        for (String m : random) {
            notes.add("Model " + m + " has random weights: the speeds are real, the generated text is meaningless.");
        }
        notes.addAll(extra);
        return new BenchmarkReport(environment, runs, warmup, seed, cancelled, notes, results);
    }
}
