package dev.hearth.benchmark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.benchmark.BenchmarkReport;
import dev.hearth.benchmark.BenchmarkResult;
import dev.hearth.benchmark.Metric;
import dev.hearth.benchmark.ReportFixture;
import dev.hearth.benchmark.Statistics;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** CSV, JSON and Markdown of one measured report say the same thing. */
class ReportAgreementTest {

    private static BenchmarkReport report;
    private static String csv;
    private static JsonObject json;
    private static String markdown;

    @BeforeAll
    static void render() {
        report = ReportFixture.twoBackendReport();
        csv = ReportPrinters.byName("csv").render(report);
        json = JsonParser.parseString(ReportPrinters.byName("json").render(report)).getAsJsonObject();
        markdown = ReportPrinters.byName("markdown").render(report);
    }

    private static List<String[]> csvRows() {
        List<String[]> rows = new ArrayList<>();
        for (String line : csv.split("\n")) {
            if (!line.startsWith("#")) rows.add(line.split(",", -1));
        }
        return rows;
    }

    @Test
    void csvHasTheAgreedColumnsAndOneRowPerRun() {
        List<String[]> rows = csvRows();
        assertEquals("backend,model,scenario,run,prompt_tokens,generated_tokens,ttft_ms,tpt_ms,prompt_tps,gen_tps,"
                + "total_ms,peak_rss_mb,gpu_mem_mb", String.join(",", rows.getFirst()));
        int runs = report.results().stream().mapToInt(r -> r.samples().size()).sum();
        assertEquals(2 * 3 * 3, runs);
        assertEquals(runs, rows.size() - 1);
        assertTrue(csv.startsWith("# Model tiny has random weights"), csv);
    }

    @Test
    void everyCsvRowMatchesItsJsonSample() {
        List<String[]> rows = csvRows();
        List<String> header = List.of(rows.getFirst());
        int row = 1;
        for (JsonElement re : json.getAsJsonArray("results")) {
            JsonObject r = re.getAsJsonObject();
            for (JsonElement se : r.getAsJsonArray("samples")) {
                JsonObject s = se.getAsJsonObject();
                String[] cells = rows.get(row++);
                assertEquals(r.get("backend").getAsString(), cells[0]);
                assertEquals(r.get("model").getAsString(), cells[1]);
                assertEquals(r.get("scenario").getAsString(), cells[2]);
                assertEquals(s.get("run").getAsString(), cells[3]);
                assertEquals(s.get("prompt_tokens").getAsString(), cells[4]);
                assertEquals(s.get("generated_tokens").getAsString(), cells[5]);
                for (Metric m : Metric.values()) {
                    String cell = cells[header.indexOf(m.column())];
                    JsonElement v = s.get(m.column());
                    if (v.isJsonNull()) {
                        assertEquals("", cell, m.column());
                    } else {
                        double tolerance = 0.5 * Math.pow(10, -Fmt.decimals(m)) + 1e-9;
                        assertEquals(v.getAsDouble(), Double.parseDouble(cell), tolerance, m.column());
                    }
                }
                // the derived value in JSON is the raw nanoseconds' ratio
                if (!s.get("gen_tps").isJsonNull()) {
                    assertEquals(s.get("decode_tokens").getAsDouble() * 1e9 / s.get("decode_ns").getAsDouble(),
                            s.get("gen_tps").getAsDouble(), 1e-6);
                }
            }
        }
        assertEquals(rows.size(), row);
    }

    @Test
    void markdownMeansAreTheMeansOfTheCsvRows() {
        List<String[]> rows = csvRows();
        List<String> header = List.of(rows.getFirst());
        for (BenchmarkResult r : report.results()) {
            String line = markdown.lines().filter(l -> l.startsWith("| " + r.backend() + " | " + r.model() + " | "
                    + r.scenario() + " |")).findFirst().orElseThrow();
            for (Metric m : List.of(Metric.GEN_TPS, Metric.PROMPT_TPS, Metric.TTFT_MS, Metric.TPT_MS)) {
                double[] xs = rows.stream().skip(1).filter(c -> c[0].equals(r.backend()) && c[2].equals(r.scenario()))
                        .map(c -> c[header.indexOf(m.column())]).filter(c -> !c.isEmpty())
                        .mapToDouble(Double::parseDouble).toArray();
                if (xs.length == 0) continue;
                Statistics.Summary fromCsv = Statistics.summarize(xs);
                Statistics.Summary exact = r.summary(m);
                String expected = Fmt.meanSd(exact, Fmt.decimals(m));
                assertTrue(line.contains(" " + expected + " |"), line + " lacks " + expected);
                double unit = Math.pow(10, -Fmt.decimals(m));
                assertEquals(exact.mean(), fromCsv.mean(), unit, m.column());
                JsonObject js = resultJson(r).getAsJsonObject("summary").getAsJsonObject(m.column());
                assertEquals(exact.mean(), js.get("mean").getAsDouble(), 1e-9);
                assertEquals(exact.stddev(), js.get("stddev").getAsDouble(), 1e-9);
            }
        }
    }

    private static JsonObject resultJson(BenchmarkResult r) {
        JsonArray rs = json.getAsJsonArray("results");
        return rs.get(report.results().indexOf(r)).getAsJsonObject();
    }

    @Test
    void markdownHasRatiosBetweenBackends() {
        assertTrue(markdown.contains("## Ratios"), markdown);
        String ratio = markdown.lines().filter(l -> l.contains("on gen_tps (tg16)")).findFirst().orElseThrow();
        assertTrue(ratio.matches("- fast-cpu is [0-9.]+× slow-cpu on gen_tps \\(tg16\\)"), ratio);
        double fast = report.results().stream().filter(r -> r.backend().equals("fast-cpu") && r.scenario().equals("tg16"))
                .findFirst().orElseThrow().summary(Metric.GEN_TPS).mean();
        double slow = report.results().stream().filter(r -> r.backend().equals("slow-cpu") && r.scenario().equals("tg16"))
                .findFirst().orElseThrow().summary(Metric.GEN_TPS).mean();
        assertTrue(ratio.contains(String.format(Locale.ROOT, "%.2f×", fast / slow)), ratio);
        assertTrue(markdown.contains("random weights"));
        assertTrue(markdown.contains("git commit:"));
    }

    @Test
    void jsonCarriesTheEnvironmentAndReadsBackToTheSameReport() throws IOException {
        JsonObject env = json.getAsJsonObject("environment");
        for (String k : List.of("git_commit", "jdk", "jvm_flags", "os", "cpu_model", "cpu_cores", "gpus",
                "backend_versions")) {
            assertTrue(env.has(k), k);
        }
        BenchmarkReport back = JsonReport.parse(ReportPrinters.byName("json").render(report));
        assertEquals(csv, ReportPrinters.byName("csv").render(back));
        assertEquals(markdown, ReportPrinters.byName("markdown").render(back));
    }

    @Test
    void aRunWithHalfTheGenerationSpeedIsARegression() {
        // the same samples with a steady decode time (a measured one varies with the machine's load), then with every
        // decode step taking twice as long
        BenchmarkReport steady = withDecodeNanosPerToken(report, 1_000_000);
        BenchmarkReport slower = withDecodeNanosPerToken(report, 2_000_000);
        Comparison c = Comparison.of(steady, slower, 0.05);
        assertTrue(c.regressed());
        Comparison.Change tg = c.changes().stream().filter(x -> x.key().equals("fast-cpu | tiny | tg16")
                && x.metric() == Metric.GEN_TPS).findFirst().orElseThrow();
        assertEquals(-50.0, tg.percent(), 1e-9);
        assertEquals(Comparison.Verdict.WORSE, tg.verdict());
        assertTrue(c.render().contains("REGRESSION"));
    }

    private static BenchmarkReport withDecodeNanosPerToken(BenchmarkReport r, long nanos) {
        List<BenchmarkResult> results = new ArrayList<>();
        for (BenchmarkResult b : r.results()) {
            List<dev.hearth.benchmark.RunSample> ss = b.samples().stream().map(s -> new dev.hearth.benchmark.RunSample(
                    s.run(), s.promptTokens(), s.generatedTokens(), s.promptNanos(), s.ttftNanos(), s.tokenNanos(),
                    s.decodeTokens(), nanos * s.decodeTokens(), s.totalNanos(), s.peakRssBytes(), s.gpuMemBytes(),
                    s.stopReason())).toList();
            results.add(new BenchmarkResult(b.backend(), b.backendVersion(), b.device(), b.model(), b.modelPath(),
                    b.randomWeights(), b.scenario(), b.status(), b.message(), b.loadMs(), ss));
        }
        return new BenchmarkReport(r.environment(), 3, 1, 7, false, r.notes(), results);
    }

    @Test
    void comparingAReportWithItselfFindsNoChange() {
        Comparison c = Comparison.of(report, report, 0.05);
        assertTrue(!c.regressed());
        assertTrue(c.changes().stream().allMatch(x -> x.verdict() == Comparison.Verdict.SAME));
        assertTrue(c.render().contains("0 regressions"));
    }
}
