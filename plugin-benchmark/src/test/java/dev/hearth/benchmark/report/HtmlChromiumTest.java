package dev.hearth.benchmark.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.hearth.benchmark.BenchmarkReport;
import dev.hearth.benchmark.ReportFixture;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The HTML report rendered by a real browser: headless Chromium (Debian's {@code chromium} package) loads the
 * file and dumps the DOM it built, which must hold the SVG charts with one bar per backend and scenario.
 * Skipped, saying so, when {@code /usr/bin/chromium} is not installed.
 */
class HtmlChromiumTest {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");

    @Test
    void staticChecksOfThePage() {
        String html = new HtmlPrinter().render(ReportFixture.twoBackendReport());
        assertTrue(html.startsWith("<!DOCTYPE html>"));
        assertTrue(!html.contains("<script") && !html.contains("http://") && !html.contains("https://")
                        || onlyTheSvgNamespace(html), "self-contained: no script, no network");
    }

    private static boolean onlyTheSvgNamespace(String html) {
        return !html.contains("<script") && html.replace("http://www.w3.org/2000/svg", "").indexOf("http") < 0;
    }

    @Test
    void chromiumRendersTheCharts(@TempDir Path dir) throws IOException, InterruptedException {
        Assumptions.assumeTrue(Files.isExecutable(CHROMIUM),
                "headless Chromium is not installed (apt-get install -y chromium): HTML report not rendered");
        BenchmarkReport report = ReportFixture.twoBackendReport();
        Path page = dir.resolve("bench.html");
        Files.writeString(page, new HtmlPrinter().render(report));
        Path profile = Files.createDirectory(dir.resolve("profile"));
        Process p = new ProcessBuilder(CHROMIUM.toString(), "--headless", "--no-sandbox", "--disable-gpu",
                "--disable-background-networking", "--disable-component-update", "--disable-sync", "--no-first-run",
                "--user-data-dir=" + profile, "--dump-dom", page.toUri().toString())
                .redirectError(dir.resolve("chromium.log").toFile()).start();
        p.getOutputStream().close();
        byte[] out = p.getInputStream().readAllBytes();
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), "chromium did not finish");
        String dom = new String(out, StandardCharsets.UTF_8);
        assertEquals(0, p.exitValue(), () -> "chromium failed: " + log(dir));
        for (String metric : List.of("gen_tps", "prompt_tps", "ttft_ms", "tpt_ms")) {
            assertTrue(dom.contains("<svg class=\"chart\" data-metric=\"" + metric + "\""), metric + " chart missing");
        }
        // bars with data: every backend has a gen_tps bar for tg16, with a positive value
        Matcher m = Pattern.compile("<rect class=\"bar\" data-metric=\"gen_tps\" data-backend=\"([^\"]+)\" "
                + "data-scenario=\"tg16\" data-value=\"([0-9.]+)\"").matcher(dom);
        int bars = 0;
        while (m.find()) {
            assertTrue(Double.parseDouble(m.group(2)) > 0, m.group());
            bars++;
        }
        assertEquals(2, bars, "one gen_tps bar per backend for tg16");
        assertTrue(dom.contains("random weights"));
    }

    private static String log(Path dir) {
        try {
            return Files.readString(dir.resolve("chromium.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
