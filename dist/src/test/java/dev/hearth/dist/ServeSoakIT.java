package dev.hearth.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;

/**
 * Soak test of {@code bin/hearth serve}, outside CI: {@code ./hearthw soak} (which passes {@code -Dhearth.soak=true};
 * without it the test is skipped and costs nothing). Starts the server with stories260K, drives it for
 * {@code hearth.soak.seconds} (180) from {@code hearth.soak.clients} (8) concurrent clients with a steady seeded mix of
 * streamed and whole chat and text completions, one in ten streams hung up after its third event, and reports from
 * the client side (requests/s, tokens/s, TTFT and latency p50/p95/p99, 429s, errors) and from {@code /metrics}, with
 * the server's RSS at start and end. Fails on an error, or when sessions, running or queued requests do not go back
 * to 0 afterwards (a leak). The report goes to stdout and {@code dist/target/soak/serve-soak.md}.
 *
 * <p>Server settings: {@code hearth.soak.parallel} (2) generations at once and {@code hearth.soak.queue} (4) waiting,
 * so that 8 clients meet some 429s (a refused client waits 250 ms and goes on).
 */
@EnabledIfSystemProperty(named = "hearth.soak", matches = "true")
class ServeSoakIT {
    private static final String MODEL = "stories260K";
    private static final String[] PROMPTS = {"Once upon a time", "Tell me a story about a cat",
        "The little girl went to the park", "Why is the sky blue?", "Lily and Tom"};

    enum Kind { CHAT_STREAM, CHAT, TEXT_STREAM, TEXT, HANG_UP }

    /** One request as the client saw it; ttft and latency in ms (ttft -1 where not streamed). */
    record Sample(Kind kind, int status, double ttftMs, double latencyMs, int tokens, String error) {}

    private final int seconds = Integer.getInteger("hearth.soak.seconds", 180);
    private final int clients = Integer.getInteger("hearth.soak.clients", 8);
    private final int parallel = Integer.getInteger("hearth.soak.parallel", 2);
    private final int queue = Integer.getInteger("hearth.soak.queue", 4);
    private int port;
    private HttpClient http;

    @Test
    void servesASteadyMixForMinutesWithoutErrorsOrLeaks() throws Exception {
        Path gguf = Dist.shared("models/stories260K/stories260K.gguf").resolve("models/stories260K/stories260K.gguf");
        Path work = Files.createTempDirectory("hearth-soak");
        Path models = Files.createDirectories(work.resolve("models"));
        Files.createSymbolicLink(models.resolve(MODEL + ".gguf"), gguf.toAbsolutePath());
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(Dist.home().resolve("bin/hearth").toString(), "serve")
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("serve.log").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("HEARTH_OPTS", "-Dhearth.dir.deploy=" + Files.createDirectories(work.resolve("deploy"))
                + " -Dhearth.models.dir=" + models + " -Dhearth.serve.port=" + port
                + " -Dhearth.serve.chat-template=llama2 -Dhearth.serve.parallel=" + parallel
                + " -Dhearth.serve.queue=" + queue);
        Process server = pb.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        try {
            Dist.await(Duration.ofSeconds(60), this::healthy, () -> "the server to answer /health");
            String loadStart = loadAverage();
            assertEquals(200, send(Kind.TEXT, new Random(0)).status(), "warm-up"); // loads the model
            long rssStart = rssKiB(server.pid());
            ConcurrentLinkedQueue<Sample> samples = new ConcurrentLinkedQueue<>();
            List<Long> rss = new ArrayList<>(List.of(rssStart));
            long t0 = System.nanoTime();
            long end = t0 + TimeUnit.SECONDS.toNanos(seconds);
            try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
                for (int c = 0; c < clients; c++) {
                    Random rnd = new Random(1000 + c);
                    pool.submit(() -> {
                        while (System.nanoTime() < end) {
                            Sample s = send(pick(rnd), rnd);
                            samples.add(s);
                            if (s.status() == 429) Thread.sleep(250);
                        }
                        return null;
                    });
                }
                while (System.nanoTime() < end) {
                    Thread.sleep(10_000);
                    rss.add(rssKiB(server.pid()));
                }
            }
            double elapsed = (System.nanoTime() - t0) / 1e9;
            Dist.await(Duration.ofSeconds(30), () -> idle(), () -> "sessions, running and queued requests to go to 0");
            long rssEnd = rssKiB(server.pid());
            String metrics = get("/metrics").body();
            String report = report(List.copyOf(samples), elapsed, rssStart, rssEnd, rss, metrics, loadStart,
                    loadAverage());
            System.out.println(report);
            Path out = Dist.home().getParent().resolve("soak");
            Files.createDirectories(out);
            Files.writeString(out.resolve("serve-soak.md"), report);
            long errors = samples.stream().filter(s -> s.error() != null).count();
            assertEquals(0, errors, "errors: " + samples.stream().filter(s -> s.error() != null).limit(5).toList());
            assertEquals(0, metric(metrics, "hearth_sessions_open"), "sessions given back");
        } finally {
            server.destroy();
            if (!server.waitFor(30, TimeUnit.SECONDS)) server.destroyForcibly();
        }
    }

    private static Kind pick(Random rnd) {
        int r = rnd.nextInt(100);
        return r < 35 ? Kind.CHAT_STREAM : r < 60 ? Kind.CHAT : r < 75 ? Kind.TEXT_STREAM : r < 90 ? Kind.TEXT
                : Kind.HANG_UP;
    }

    // ---- one request --------------------------------------------------------------------------------------------

    private Sample send(Kind kind, Random rnd) {
        boolean chat = kind == Kind.CHAT_STREAM || kind == Kind.CHAT || kind == Kind.HANG_UP;
        boolean stream = kind != Kind.CHAT && kind != Kind.TEXT;
        String prompt = PROMPTS[rnd.nextInt(PROMPTS.length)];
        int maxTokens = 16 + rnd.nextInt(113);
        String body = "{\"model\":\"" + MODEL + "\"," + (chat ? "\"messages\":[{\"role\":\"user\",\"content\":\""
                + prompt + "\"}]" : "\"prompt\":\"" + prompt + "\"") + ",\"max_tokens\":" + maxTokens + ",\"seed\":"
                + rnd.nextInt(1_000_000) + ",\"stream\":" + stream + ",\"stream_options\":{\"include_usage\":true}}";
        HttpRequest r = HttpRequest.newBuilder(uri(chat ? "/v1/chat/completions" : "/v1/completions"))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        long t0 = System.nanoTime();
        try {
            HttpResponse<InputStream> resp = http.send(r, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = resp.body()) {
                if (resp.statusCode() != 200) {
                    String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                    return new Sample(kind, resp.statusCode(), -1, ms(t0), 0, resp.statusCode() == 429 ? null
                            : "status " + resp.statusCode() + ": " + text);
                }
                if (!stream) {
                    JsonObject o = JsonParser.parseString(new String(in.readAllBytes(), StandardCharsets.UTF_8))
                            .getAsJsonObject();
                    return new Sample(kind, 200, -1, ms(t0), o.getAsJsonObject("usage").get("completion_tokens")
                            .getAsInt(), null);
                }
                return readStream(kind, in, t0);
            }
        } catch (IOException | RuntimeException e) {
            return new Sample(kind, -1, -1, ms(t0), 0, e.toString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new Sample(kind, -1, -1, ms(t0), 0, e.toString());
        }
    }

    /** Reads events until [DONE]; a HANG_UP client closes the stream after its third event. */
    private static Sample readStream(Kind kind, InputStream in, long t0) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        double ttft = -1;
        int tokens = 0;
        int events = 0;
        String line;
        while ((line = r.readLine()) != null) {
            if (!line.startsWith("data: ")) continue;
            String data = line.substring(6);
            if (data.equals("[DONE]")) return new Sample(kind, 200, ttft, ms(t0), tokens, null);
            JsonObject o = JsonParser.parseString(data).getAsJsonObject();
            if (o.has("error")) return new Sample(kind, 200, ttft, ms(t0), tokens, "error event: " + data);
            if (o.has("usage") && !o.get("usage").isJsonNull()) {
                tokens = o.getAsJsonObject("usage").get("completion_tokens").getAsInt();
            }
            boolean text = data.contains("\"content\":\"") || data.contains("\"text\":\"");
            if (text && ttft < 0) ttft = ms(t0);
            if (kind == Kind.HANG_UP && ++events >= 3) {
                return new Sample(kind, 499, ttft, ms(t0), 0, null); // closing the stream hangs up
            }
        }
        return kind == Kind.HANG_UP ? new Sample(kind, 200, ttft, ms(t0), tokens, null)
                : new Sample(kind, 200, ttft, ms(t0), tokens, "the stream ended without [DONE]");
    }

    private static double ms(long t0) {
        return (System.nanoTime() - t0) / 1e6;
    }

    // ---- the report ---------------------------------------------------------------------------------------------

    private String report(List<Sample> all, double elapsed, long rssStart, long rssEnd, List<Long> rss, String metrics,
                          String loadStart, String loadEnd) {
        List<Sample> ok = all.stream().filter(s -> s.status() == 200 && s.error() == null).toList();
        long tokens = ok.stream().mapToLong(Sample::tokens).sum();
        double[] lat = ok.stream().filter(s -> s.kind() != Kind.HANG_UP).mapToDouble(Sample::latencyMs).sorted()
                .toArray();
        double[] ttft = all.stream().filter(s -> s.ttftMs() >= 0).mapToDouble(Sample::ttftMs).sorted().toArray();
        StringBuilder b = new StringBuilder();
        b.append("### Serving soak test, ").append(ZonedDateTime.now().format(DateTimeFormatter.ISO_OFFSET_DATE_TIME))
                .append("\n\n");
        b.append(String.format(Locale.ROOT, "%d s, %d clients, server parallel %d / queue %d, %s; load average "
                + "before %s, after %s; %d cores; JDK %s%n%n", Math.round(elapsed), clients, parallel, queue, MODEL,
                loadStart, loadEnd, Runtime.getRuntime().availableProcessors(), System.getProperty("java.version")));
        b.append("| client side | |\n|---|---|\n");
        row(b, "requests sent", Integer.toString(all.size()));
        for (Kind k : Kind.values()) {
            row(b, "  " + k.name().toLowerCase(Locale.ROOT), Long.toString(all.stream().filter(s -> s.kind() == k)
                    .count()));
        }
        row(b, "completed (200, excluding hang-ups)", Integer.toString(lat.length));
        row(b, "requests/s (completed)", f(lat.length / elapsed));
        row(b, "generated tokens/s (completed)", f(tokens / elapsed));
        row(b, "429 (queue full)", Long.toString(all.stream().filter(s -> s.status() == 429).count()));
        row(b, "hung up mid-stream", Long.toString(all.stream().filter(s -> s.status() == 499).count()));
        row(b, "errors", Long.toString(all.stream().filter(s -> s.error() != null).count()));
        row(b, "TTFT p50 / p95 / p99 ms (streams)", q(ttft, 0.5) + " / " + q(ttft, 0.95) + " / " + q(ttft, 0.99));
        row(b, "latency p50 / p95 / p99 ms", q(lat, 0.5) + " / " + q(lat, 0.95) + " / " + q(lat, 0.99));
        row(b, "server RSS start / end / max MiB", rssStart / 1024 + " / " + rssEnd / 1024 + " / "
                + rss.stream().mapToLong(Long::longValue).max().orElse(0) / 1024);
        b.append("\n| /metrics after the run | |\n|---|---|\n");
        Matcher m = Pattern.compile("(?m)^hearth_requests_total\\{endpoint=\"(/v1/[a-z/]+)\",code=\"(\\d+)\"} (\\S+)$")
                .matcher(metrics);
        while (m.find()) row(b, "requests " + m.group(1) + " " + m.group(2), m.group(3));
        for (String name : List.of("hearth_generated_tokens_total", "hearth_rejected_total",
                "hearth_client_disconnects_total", "hearth_queue_dropped_total", "hearth_sessions_open",
                "hearth_requests_running", "hearth_queue_length", "hearth_model_loads_total")) {
            row(b, name, f(metric(metrics, name)));
        }
        for (String h : List.of("hearth_request_duration_seconds", "hearth_time_to_first_token_seconds",
                "hearth_queue_wait_seconds")) {
            row(b, h + " p50 / p95 / p99 s", f(bucketQuantile(metrics, h, 0.5)) + " / "
                    + f(bucketQuantile(metrics, h, 0.95)) + " / " + f(bucketQuantile(metrics, h, 0.99)));
        }
        b.append("\nRSS every 10 s (MiB): ").append(rss.stream().map(k -> Long.toString(k / 1024)).toList())
                .append('\n');
        return b.toString();
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("| ").append(k).append(" | ").append(v).append(" |\n");
    }

    private static String f(double d) {
        if (Double.isNaN(d)) return "-";
        return String.format(Locale.ROOT, d >= 100 || d == Math.rint(d) ? "%.0f" : "%.2f", d);
    }

    private static String q(double[] sorted, double p) {
        if (sorted.length == 0) return "-";
        return f(sorted[Math.min(sorted.length - 1, (int) Math.ceil(p * sorted.length) - 1)]);
    }

    /** A quantile from a Prometheus histogram's cumulative buckets, interpolated within the bucket as Prometheus does. */
    static double bucketQuantile(String metrics, String name, double p) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "_bucket\\{le=\"([^\"]+)\"} (\\S+)$")
                .matcher(metrics);
        List<double[]> buckets = new ArrayList<>();
        while (m.find()) {
            buckets.add(new double[] {m.group(1).equals("+Inf") ? Double.POSITIVE_INFINITY
                    : Double.parseDouble(m.group(1)), Double.parseDouble(m.group(2))});
        }
        if (buckets.isEmpty() || buckets.getLast()[1] == 0) return Double.NaN;
        double rank = p * buckets.getLast()[1];
        double lowerLe = 0;
        double lowerCount = 0;
        for (double[] bk : buckets) {
            if (bk[1] >= rank) {
                if (Double.isInfinite(bk[0])) return lowerLe;
                return lowerLe + (bk[0] - lowerLe) * (rank - lowerCount) / Math.max(1e-9, bk[1] - lowerCount);
            }
            lowerLe = bk[0];
            lowerCount = bk[1];
        }
        return lowerLe;
    }

    static double metric(String metrics, String name) {
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(metrics);
        return m.find() ? Double.parseDouble(m.group(1)) : Double.NaN;
    }

    // ---- the server ---------------------------------------------------------------------------------------------

    private boolean healthy() {
        try {
            return get("/health").statusCode() == 200;
        } catch (IOException e) {
            return false;
        }
    }

    private boolean idle() {
        try {
            String m = get("/metrics").body();
            return metric(m, "hearth_sessions_open") == 0 && metric(m, "hearth_requests_running") == 0
                    && metric(m, "hearth_queue_length") == 0;
        } catch (IOException e) {
            return false;
        }
    }

    private HttpResponse<String> get(String path) throws IOException {
        try {
            return http.send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    /** VmRSS of a process in KiB (bin/hearth execs java, so its pid is the JVM's); -1 where unknown. */
    private static long rssKiB(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return -1;
    }

    private static String loadAverage() {
        try {
            return String.join(" ", Arrays.copyOf(Files.readString(Path.of("/proc/loadavg")).split(" "), 3));
        } catch (IOException e) {
            return "?";
        }
    }
}
