package dev.hearth.benchmark.report;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.hearth.benchmark.BenchmarkReport;
import dev.hearth.benchmark.BenchmarkResult;
import dev.hearth.benchmark.Metric;
import dev.hearth.benchmark.Statistics;

/**
 * The change from a baseline report A to a report B ({@code hearth bench --compare A.json B.json}), per backend,
 * model and scenario found in both. A change is a regression when the metric got worse by more than the threshold
 * (relative) <em>and</em> by more than the two runs' stddevs added, so noise alone is not flagged.
 */
public final class Comparison {

    private static final List<Metric> METRICS = List.of(Metric.GEN_TPS, Metric.PROMPT_TPS, Metric.TTFT_MS,
            Metric.TPT_MS, Metric.TOTAL_MS);

    /** One compared number. */
    public record Change(String key, Metric metric, double before, double after, double percent, Verdict verdict) {}

    /** What a change means. */
    public enum Verdict { BETTER, SAME, WORSE }

    private final List<Change> changes;
    private final List<String> onlyBefore;
    private final List<String> onlyAfter;

    private Comparison(List<Change> changes, List<String> onlyBefore, List<String> onlyAfter) {
        this.changes = changes;
        this.onlyBefore = onlyBefore;
        this.onlyAfter = onlyAfter;
    }

    /**
     * @param threshold relative change below which nothing is flagged, e.g. 0.05 for 5 %
     */
    public static Comparison of(BenchmarkReport before, BenchmarkReport after, double threshold) {
        Map<String, BenchmarkResult> a = measured(before);
        Map<String, BenchmarkResult> b = measured(after);
        List<Change> changes = new ArrayList<>();
        for (Map.Entry<String, BenchmarkResult> e : a.entrySet()) {
            BenchmarkResult other = b.get(e.getKey());
            if (other == null) continue;
            for (Metric m : METRICS) {
                Statistics.Summary x = e.getValue().summary(m);
                Statistics.Summary y = other.summary(m);
                if (x.n() == 0 || y.n() == 0 || x.mean() == 0) continue;
                double pct = (y.mean() - x.mean()) / x.mean() * 100;
                double diff = y.mean() - x.mean();
                boolean significant = Math.abs(pct) > threshold * 100 && Math.abs(diff) > x.stddev() + y.stddev();
                Verdict v = !significant ? Verdict.SAME
                        : (diff > 0) == m.higherIsBetter() ? Verdict.BETTER : Verdict.WORSE;
                changes.add(new Change(e.getKey(), m, x.mean(), y.mean(), pct, v));
            }
        }
        List<String> onlyA = a.keySet().stream().filter(k -> !b.containsKey(k)).toList();
        List<String> onlyB = b.keySet().stream().filter(k -> !a.containsKey(k)).toList();
        return new Comparison(changes, onlyA, onlyB);
    }

    private static Map<String, BenchmarkResult> measured(BenchmarkReport r) {
        Map<String, BenchmarkResult> m = new LinkedHashMap<>();
        for (BenchmarkResult x : r.results()) {
            if (!x.samples().isEmpty()) m.put(x.key(), x);
        }
        return m;
    }

    public List<Change> changes() {
        return changes;
    }

    /** True when any change is a regression. */
    public boolean regressed() {
        return changes.stream().anyMatch(c -> c.verdict() == Verdict.WORSE);
    }

    /** A table for the terminal. */
    public String render() {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-52s %-11s %12s %12s %9s  %s%n", "backend | model | scenario",
                "metric", "A", "B", "change", "verdict"));
        for (Change c : changes) {
            sb.append(String.format(Locale.ROOT, "%-52s %-11s %12s %12s %+8.1f%%  %s%n", c.key(),
                    c.metric().column(), Fmt.num(c.before(), Fmt.decimals(c.metric())),
                    Fmt.num(c.after(), Fmt.decimals(c.metric())), c.percent(),
                    c.verdict() == Verdict.WORSE ? "REGRESSION" : c.verdict().name().toLowerCase(Locale.ROOT)));
        }
        for (String k : onlyBefore) sb.append("only in A: ").append(k).append('\n');
        for (String k : onlyAfter) sb.append("only in B: ").append(k).append('\n');
        long worse = changes.stream().filter(c -> c.verdict() == Verdict.WORSE).count();
        long better = changes.stream().filter(c -> c.verdict() == Verdict.BETTER).count();
        sb.append(worse).append(" regressions, ").append(better).append(" improvements, ")
                .append(changes.size() - worse - better).append(" within noise\n");
        return sb.toString();
    }
}
