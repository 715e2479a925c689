package dev.hearth.benchmark.report;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

import dev.hearth.benchmark.BenchmarkReport;
import dev.hearth.benchmark.BenchmarkResult;
import dev.hearth.benchmark.Metric;
import dev.hearth.benchmark.Statistics;

/** Number formatting and labels shared by the printers. */
final class Fmt {

    private Fmt() {}

    /** Fixed decimals, an empty string for NaN. */
    static String num(double v, int decimals) {
        return Double.isNaN(v) ? "" : String.format(Locale.ROOT, "%." + decimals + "f", v);
    }

    /** Decimals per metric: milliseconds 3, speeds 2, MiB 1. */
    static int decimals(Metric m) {
        return switch (m) {
            case TTFT_MS, TPT_MS, TOTAL_MS -> 3;
            case PROMPT_TPS, GEN_TPS -> 2;
            case PEAK_RSS_MB, GPU_MEM_MB -> 1;
        };
    }

    /** {@code mean ± stddev}, or the mean alone for one run, empty when there is none. */
    static String meanSd(Statistics.Summary s, int decimals) {
        if (s.n() == 0) return "";
        return s.n() == 1 ? num(s.mean(), decimals) : num(s.mean(), decimals) + " ± " + num(s.stddev(), decimals);
    }

    /**
     * The label of a result in comparisons: the backend id, with the model when the report has several models.
     */
    static String label(BenchmarkReport report, BenchmarkResult r) {
        return models(report).size() > 1 ? r.backend() + " / " + r.model() : r.backend();
    }

    static Set<String> models(BenchmarkReport report) {
        Set<String> s = new LinkedHashSet<>();
        for (BenchmarkResult r : report.results()) s.add(r.model());
        return s;
    }

    static List<String> scenarios(BenchmarkReport report) {
        Set<String> s = new LinkedHashSet<>();
        for (BenchmarkResult r : report.results()) s.add(r.scenario());
        return List.copyOf(s);
    }

    /** The ratio lines: per scenario, the best result on gen_tps and prompt_tps against each other one. */
    static List<String> ratios(BenchmarkReport report) {
        List<String> lines = new java.util.ArrayList<>();
        for (String scenario : scenarios(report)) {
            for (Metric m : List.of(Metric.GEN_TPS, Metric.PROMPT_TPS)) {
                List<BenchmarkResult> ok = report.results().stream()
                        .filter(r -> r.scenario().equals(scenario) && r.status() == BenchmarkResult.Status.OK)
                        .filter(r -> r.summary(m).n() > 0 && r.summary(m).mean() > 0)
                        .sorted((a, b) -> Double.compare(b.summary(m).mean(), a.summary(m).mean())).toList();
                for (int i = 1; i < ok.size(); i++) {
                    double ratio = ok.getFirst().summary(m).mean() / ok.get(i).summary(m).mean();
                    lines.add(String.format(Locale.ROOT, "%s is %.2f× %s on %s (%s)", label(report, ok.getFirst()),
                            ratio, label(report, ok.get(i)), m.column(), scenario));
                }
            }
        }
        return lines;
    }

    static final String CANCELLED_NOTE = "The run was stopped before the end: only what was measured is reported.";

    /** Notes every report carries: random weights, cancellation. */
    static List<String> notes(BenchmarkReport report) {
        List<String> n = new java.util.ArrayList<>(report.notes());
        if (report.cancelled() && !n.contains(CANCELLED_NOTE)) n.add(CANCELLED_NOTE);
        return n;
    }
}
