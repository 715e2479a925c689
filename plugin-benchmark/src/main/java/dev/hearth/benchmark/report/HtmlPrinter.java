package dev.hearth.benchmark.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import dev.hearth.benchmark.BenchmarkReport;
import dev.hearth.benchmark.BenchmarkResult;
import dev.hearth.benchmark.Environment;
import dev.hearth.benchmark.Metric;
import dev.hearth.benchmark.Statistics;

/**
 * A self-contained HTML page: no script, no network, charts drawn as inline SVG. One grouped bar chart per
 * headline metric (scenarios along the axis, one bar per backend, whiskers at ± one sample stddev), then the
 * summary table, the ratios and the environment. Each chart is an {@code <svg class="chart" data-metric=...>}
 * and each bar a {@code <rect class="bar" data-value=...>}, so tests can check the page.
 */
public final class HtmlPrinter implements ReportPrinter {

    private static final List<Metric> CHARTS = List.of(Metric.GEN_TPS, Metric.PROMPT_TPS, Metric.TTFT_MS,
            Metric.TPT_MS);
    private static final String[] COLOURS = {"#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948",
            "#b07aa1", "#ff9da7", "#9c755f", "#bab0ac"};
    private static final int HEIGHT = 260;
    private static final int PLOT_TOP = 30;
    private static final int PLOT_BOTTOM = 210;
    private static final int LEFT = 60;

    @Override
    public String name() {
        return "html";
    }

    @Override
    public String extension() {
        return "html";
    }

    @Override
    public void print(BenchmarkReport report, Appendable out) throws IOException {
        out.append("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\"><title>Hearth benchmark</title>\n")
                .append("<style>body{font-family:system-ui,sans-serif;margin:2em;color:#222}table{border-collapse:")
                .append("collapse;font-size:13px}td,th{border:1px solid #ccc;padding:3px 6px;text-align:right}")
                .append("td:nth-child(-n+4),th{text-align:left}.note{background:#fff4d6;padding:.5em 1em;")
                .append("border-left:4px solid #e0a800}svg{margin:1em 1em 0 0;border:1px solid #eee}</style>\n")
                .append("</head><body>\n<h1>Hearth benchmark</h1>\n");
        for (String note : Fmt.notes(report)) out.append("<p class=\"note\">").append(esc(note)).append("</p>\n");
        List<String> labels = labels(report);
        out.append("<h2>Charts</h2>\n<div class=\"charts\">\n");
        for (Metric m : CHARTS) chart(report, m, labels, out);
        out.append("</div>\n");
        table(report, out);
        List<String> ratios = Fmt.ratios(report);
        if (!ratios.isEmpty()) {
            out.append("<h2>Ratios</h2>\n<ul>\n");
            for (String r : ratios) out.append("<li>").append(esc(r)).append("</li>\n");
            out.append("</ul>\n");
        }
        environment(report, out);
        out.append("</body></html>\n");
    }

    private static List<String> labels(BenchmarkReport report) {
        List<String> labels = new ArrayList<>();
        for (BenchmarkResult r : report.results()) {
            String l = Fmt.label(report, r);
            if (!labels.contains(l)) labels.add(l);
        }
        return labels;
    }

    private static void chart(BenchmarkReport report, Metric m, List<String> labels, Appendable out)
            throws IOException {
        // scenario -> label -> summary, for results with a value
        Map<String, Map<String, Statistics.Summary>> data = new LinkedHashMap<>();
        double max = 0;
        for (BenchmarkResult r : report.results()) {
            Statistics.Summary s = r.summary(m);
            if (s.n() == 0) continue;
            data.computeIfAbsent(r.scenario(), k -> new LinkedHashMap<>()).put(Fmt.label(report, r), s);
            max = Math.max(max, s.mean() + s.stddev());
        }
        if (data.isEmpty()) return;
        int barW = 22;
        int groupW = labels.size() * barW + 24;
        int width = Math.max(360, LEFT + data.size() * groupW + 20);
        double scale = (PLOT_BOTTOM - PLOT_TOP) / (max <= 0 ? 1 : max * 1.1);
        out.append(String.format(Locale.ROOT, "<svg class=\"chart\" data-metric=\"%s\" xmlns=\"http://www.w3.org/2000/svg\" "
                + "width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" role=\"img\">\n", m.column(), width,
                HEIGHT + 18 * labels.size(), width, HEIGHT + 18 * labels.size()));
        out.append(String.format(Locale.ROOT, "<title>%s</title><text x=\"%d\" y=\"18\" font-size=\"14\" "
                + "font-weight=\"bold\">%s (%s)</text>\n", esc(m.label()), LEFT, esc(m.label()),
                m.higherIsBetter() ? "higher is better" : "lower is better"));
        out.append(String.format(Locale.ROOT, "<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>\n",
                LEFT, PLOT_BOTTOM, width - 10, PLOT_BOTTOM));
        out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"10\" text-anchor=\"end\">%s</text>\n",
                LEFT - 4, PLOT_TOP + 4, Fmt.num(max * 1.1, 1)));
        int g = 0;
        for (Map.Entry<String, Map<String, Statistics.Summary>> group : data.entrySet()) {
            int x0 = LEFT + 12 + g * groupW;
            for (int i = 0; i < labels.size(); i++) {
                Statistics.Summary s = group.getValue().get(labels.get(i));
                if (s != null) bar(out, m, x0 + i * barW, barW - 4, s, scale, labels.get(i), group.getKey(), i);
            }
            out.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"%d\" font-size=\"11\" text-anchor=\"middle\">%s"
                    + "</text>\n", x0 + labels.size() * barW / 2, PLOT_BOTTOM + 16, esc(group.getKey())));
            g++;
        }
        for (int i = 0; i < labels.size(); i++) {
            int y = HEIGHT + 18 * i;
            out.append(String.format(Locale.ROOT, "<rect class=\"legend\" x=\"%d\" y=\"%d\" width=\"12\" height=\"12\" "
                    + "fill=\"%s\"/><text x=\"%d\" y=\"%d\" font-size=\"12\">%s</text>\n", LEFT, y - 10,
                    COLOURS[i % COLOURS.length], LEFT + 18, y, esc(labels.get(i))));
        }
        out.append("</svg>\n");
    }

    private static void bar(Appendable out, Metric m, int x, int w, Statistics.Summary s, double scale, String label,
                            String scenario, int colour) throws IOException {
        double h = Math.max(1, s.mean() * scale);
        double y = PLOT_BOTTOM - h;
        out.append(String.format(Locale.ROOT, "<rect class=\"bar\" data-metric=\"%s\" data-backend=\"%s\" "
                + "data-scenario=\"%s\" data-value=\"%s\" x=\"%d\" y=\"%.1f\" width=\"%d\" height=\"%.1f\" "
                + "fill=\"%s\"><title>%s, %s: %s</title></rect>\n", m.column(), esc(label), esc(scenario),
                Fmt.num(s.mean(), Fmt.decimals(m)), x, y, w, h, COLOURS[colour % COLOURS.length], esc(label),
                esc(scenario), esc(Fmt.meanSd(s, Fmt.decimals(m)))));
        if (s.n() > 1 && s.stddev() > 0) {
            double cx = x + w / 2.0;
            double top = PLOT_BOTTOM - (s.mean() + s.stddev()) * scale;
            double bottom = Math.min(PLOT_BOTTOM, PLOT_BOTTOM - (s.mean() - s.stddev()) * scale);
            out.append(String.format(Locale.ROOT, "<line class=\"whisker\" x1=\"%.1f\" y1=\"%.1f\" x2=\"%.1f\" "
                    + "y2=\"%.1f\" stroke=\"#000\"/>\n", cx, top, cx, bottom));
        }
    }

    private static void table(BenchmarkReport report, Appendable out) throws IOException {
        out.append("<h2>Results</h2>\n<table class=\"results\"><tr><th>backend</th><th>model</th><th>scenario</th>"
                + "<th>status</th><th>runs</th><th>load (ms)</th>");
        for (Metric m : MarkdownPrinter.COLUMNS) out.append("<th>").append(esc(m.label())).append("</th>");
        out.append("<th>token p50 / p95 / p99 (ms)</th></tr>\n");
        for (BenchmarkResult r : report.results()) {
            out.append("<tr><td>").append(esc(r.backend())).append("</td><td>").append(esc(r.model()))
                    .append("</td><td>").append(esc(r.scenario())).append("</td><td title=\"").append(esc(r.message()))
                    .append("\">").append(r.status().name().toLowerCase()).append("</td><td>")
                    .append(String.valueOf(r.samples().size())).append("</td><td>").append(Fmt.num(r.loadMs(), 1))
                    .append("</td>");
            for (Metric m : MarkdownPrinter.COLUMNS) {
                out.append("<td>").append(esc(Fmt.meanSd(r.summary(m), Fmt.decimals(m)))).append("</td>");
            }
            Statistics.Summary t = r.tokenTimes();
            out.append("<td>").append(t.n() == 0 ? "" : Fmt.num(t.p50(), 3) + " / " + Fmt.num(t.p95(), 3) + " / "
                    + Fmt.num(t.p99(), 3)).append("</td></tr>\n");
        }
        out.append("</table>\n");
    }

    private static void environment(BenchmarkReport report, Appendable out) throws IOException {
        Environment e = report.environment();
        out.append("<h2>Environment</h2>\n<ul class=\"environment\">\n");
        item(out, "when", e.timestamp());
        item(out, "git commit", e.gitCommit() + " (hearth " + e.hearthVersion() + ")");
        item(out, "JDK", e.jdk());
        item(out, "JVM flags", String.join(" ", e.jvmFlags()));
        item(out, "OS", e.os());
        item(out, "CPU", e.cpuModel() + ", " + e.cpuCores() + " cores");
        item(out, "GPU", e.gpus().isEmpty() ? "none used" : String.join("; ", e.gpus()));
        item(out, "backends", String.join(", ", e.backendVersions().entrySet().stream()
                .sorted(Map.Entry.comparingByKey()).map(x -> x.getKey() + " " + x.getValue()).toList()));
        item(out, "runs", report.runs() + " measured after " + report.warmup() + " warm-up; mean ± sample stddev");
        out.append("</ul>\n");
    }

    private static void item(Appendable out, String key, String value) throws IOException {
        out.append("<li><b>").append(esc(key)).append(":</b> ").append(esc(value)).append("</li>\n");
    }

    static String esc(String s) {
        StringBuilder sb = new StringBuilder(s.length());
        for (char c : s.toCharArray()) {
            switch (c) {
                case '<' -> sb.append("&lt;");
                case '>' -> sb.append("&gt;");
                case '&' -> sb.append("&amp;");
                case '"' -> sb.append("&quot;");
                default -> sb.append(c);
            }
        }
        return sb.toString();
    }
}
