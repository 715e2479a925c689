package dev.hearth.benchmark.report;

import java.io.IOException;
import java.util.List;

import dev.hearth.benchmark.BenchmarkReport;
import dev.hearth.benchmark.BenchmarkResult;
import dev.hearth.benchmark.Environment;
import dev.hearth.benchmark.Metric;
import dev.hearth.benchmark.Statistics;

/**
 * A Markdown summary: the environment, one table row per backend, model and scenario with mean ± sample stddev
 * across runs (per-token times also as p50 / p95 / p99 over every decode step), and the ratios between backends.
 */
public final class MarkdownPrinter implements ReportPrinter {

    /** The metric columns of the table, in order. */
    static final List<Metric> COLUMNS = List.of(Metric.TTFT_MS, Metric.TPT_MS, Metric.PROMPT_TPS, Metric.GEN_TPS,
            Metric.TOTAL_MS, Metric.PEAK_RSS_MB, Metric.GPU_MEM_MB);

    @Override
    public String name() {
        return "markdown";
    }

    @Override
    public String extension() {
        return "md";
    }

    @Override
    public void print(BenchmarkReport report, Appendable out) throws IOException {
        out.append("# Hearth benchmark\n\n");
        for (String note : Fmt.notes(report)) out.append("> **Note:** ").append(note).append("\n\n");
        environment(report, out);
        out.append("\n| backend | model | scenario | status | runs | prompt tokens | generated | load (ms) |");
        for (Metric m : COLUMNS) out.append(' ').append(m.label()).append(" |");
        out.append(" token p50 / p95 / p99 (ms) |\n|");
        out.append("---|".repeat(8 + COLUMNS.size() + 1)).append('\n');
        for (BenchmarkResult r : report.results()) row(r, out);
        List<String> ratios = Fmt.ratios(report);
        if (!ratios.isEmpty()) {
            out.append("\n## Ratios\n\n");
            for (String line : ratios) out.append("- ").append(line).append('\n');
        }
        List<BenchmarkResult> problems = report.results().stream()
                .filter(r -> r.status() != BenchmarkResult.Status.OK).toList();
        if (!problems.isEmpty()) {
            out.append("\n## Not measured\n\n");
            for (BenchmarkResult r : problems) {
                out.append("- ").append(cell(r.key())).append(": ").append(r.status().name().toLowerCase())
                        .append(r.message().isEmpty() ? "" : " — " + cell(r.message())).append('\n');
            }
        }
    }

    private static void environment(BenchmarkReport report, Appendable out) throws IOException {
        Environment e = report.environment();
        out.append("- when: ").append(e.timestamp()).append('\n');
        out.append("- git commit: ").append(e.gitCommit()).append(", hearth ").append(e.hearthVersion()).append('\n');
        out.append("- JDK: ").append(e.jdk()).append('\n');
        out.append("- JVM flags: `").append(String.join(" ", e.jvmFlags())).append("`\n");
        out.append("- OS: ").append(e.os()).append('\n');
        out.append("- CPU: ").append(e.cpuModel()).append(", ").append(String.valueOf(e.cpuCores()))
                .append(" cores\n");
        out.append("- GPU: ").append(e.gpus().isEmpty() ? "none used" : String.join("; ", e.gpus())).append('\n');
        out.append("- backends: ");
        out.append(String.join(", ", e.backendVersions().entrySet().stream().sorted(java.util.Map.Entry.comparingByKey())
                .map(x -> x.getKey() + " " + x.getValue()).toList())).append('\n');
        out.append("- runs: ").append(String.valueOf(report.runs())).append(" measured after ")
                .append(String.valueOf(report.warmup())).append(" warm-up; values are mean ± sample stddev\n");
    }

    private static void row(BenchmarkResult r, Appendable out) throws IOException {
        Statistics.Summary prompt = Statistics.summarize(r.samples().stream().mapToDouble(s -> s.promptTokens()).toArray());
        Statistics.Summary gen = Statistics.summarize(r.samples().stream().mapToDouble(s -> s.generatedTokens()).toArray());
        out.append("| ").append(cell(r.backend())).append(" | ").append(cell(r.model())).append(" | ")
                .append(cell(r.scenario())).append(" | ").append(r.status().name().toLowerCase()).append(" | ")
                .append(String.valueOf(r.samples().size())).append(" | ").append(Fmt.num(prompt.mean(), 0))
                .append(" | ").append(Fmt.num(gen.mean(), 1)).append(" | ").append(Fmt.num(r.loadMs(), 1))
                .append(" |");
        for (Metric m : COLUMNS) out.append(' ').append(Fmt.meanSd(r.summary(m), Fmt.decimals(m))).append(" |");
        Statistics.Summary t = r.tokenTimes();
        out.append(' ').append(t.n() == 0 ? "" : Fmt.num(t.p50(), 3) + " / " + Fmt.num(t.p95(), 3) + " / "
                + Fmt.num(t.p99(), 3)).append(" |\n");
    }

    private static String cell(String s) {
        return s.replace("|", "\\|").replace("\n", " ");
    }
}
