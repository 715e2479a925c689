package dev.hearth.benchmark.report;

import java.io.IOException;
import java.util.List;

import dev.hearth.benchmark.BenchmarkReport;
import dev.hearth.benchmark.BenchmarkResult;
import dev.hearth.benchmark.Metric;
import dev.hearth.benchmark.RunSample;

/**
 * One row per measured run (RFC 4180 quoting). Notes such as "weights are random" come first as {@code #}
 * comment lines (pandas: {@code read_csv(..., comment='#')}). Empty cells are values that do not apply.
 */
public final class CsvPrinter implements ReportPrinter {

    /** The columns, in order. */
    public static final List<String> COLUMNS = List.of("backend", "model", "scenario", "run", "prompt_tokens",
            "generated_tokens", "ttft_ms", "tpt_ms", "prompt_tps", "gen_tps", "total_ms", "peak_rss_mb", "gpu_mem_mb");

    private static final List<Metric> METRIC_COLUMNS = List.of(Metric.TTFT_MS, Metric.TPT_MS, Metric.PROMPT_TPS,
            Metric.GEN_TPS, Metric.TOTAL_MS, Metric.PEAK_RSS_MB, Metric.GPU_MEM_MB);

    @Override
    public String name() {
        return "csv";
    }

    @Override
    public String extension() {
        return "csv";
    }

    @Override
    public void print(BenchmarkReport report, Appendable out) throws IOException {
        for (String note : Fmt.notes(report)) out.append("# ").append(note.replace('\n', ' ')).append('\n');
        out.append(String.join(",", COLUMNS)).append('\n');
        for (BenchmarkResult r : report.results()) {
            for (RunSample s : r.samples()) {
                out.append(quote(r.backend())).append(',').append(quote(r.model())).append(',')
                        .append(quote(r.scenario())).append(',').append(String.valueOf(s.run())).append(',')
                        .append(String.valueOf(s.promptTokens())).append(',')
                        .append(String.valueOf(s.generatedTokens()));
                for (Metric m : METRIC_COLUMNS) out.append(',').append(Fmt.num(m.of(s), Fmt.decimals(m)));
                out.append('\n');
            }
        }
    }

    static String quote(String s) {
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('#') != 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
