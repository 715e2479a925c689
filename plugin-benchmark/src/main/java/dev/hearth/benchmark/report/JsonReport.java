package dev.hearth.benchmark.report;

import java.io.IOException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonNull;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import dev.hearth.benchmark.BenchmarkReport;
import dev.hearth.benchmark.BenchmarkResult;
import dev.hearth.benchmark.Environment;
import dev.hearth.benchmark.Metric;
import dev.hearth.benchmark.RunSample;
import dev.hearth.benchmark.Statistics;

/**
 * The complete report as JSON (schema {@value #SCHEMA}): environment, parameters, and per result its summaries
 * and every sample with its raw nanoseconds, so {@link #parse} can rebuild the report ({@code bench --compare}).
 * Values that do not apply are {@code null}.
 */
public final class JsonReport implements ReportPrinter {

    public static final String SCHEMA = "hearth-bench/1";
    private static final Gson GSON = new GsonBuilder().setPrettyPrinting().serializeNulls().disableHtmlEscaping().create();

    @Override
    public String name() {
        return "json";
    }

    @Override
    public String extension() {
        return "json";
    }

    @Override
    public void print(BenchmarkReport report, Appendable out) throws IOException {
        out.append(GSON.toJson(toJson(report))).append('\n');
    }

    static JsonObject toJson(BenchmarkReport report) {
        JsonObject root = new JsonObject();
        root.addProperty("schema", SCHEMA);
        root.add("environment", environment(report.environment()));
        root.addProperty("runs", report.runs());
        root.addProperty("warmup", report.warmup());
        root.addProperty("seed", report.seed());
        root.addProperty("cancelled", report.cancelled());
        root.add("notes", strings(Fmt.notes(report)));
        JsonArray results = new JsonArray();
        for (BenchmarkResult r : report.results()) results.add(result(r));
        root.add("results", results);
        return root;
    }

    private static JsonObject environment(Environment e) {
        JsonObject o = new JsonObject();
        o.addProperty("timestamp", e.timestamp());
        o.addProperty("git_commit", e.gitCommit());
        o.addProperty("hearth_version", e.hearthVersion());
        o.addProperty("jdk", e.jdk());
        o.add("jvm_flags", strings(e.jvmFlags()));
        o.addProperty("os", e.os());
        o.addProperty("cpu_model", e.cpuModel());
        o.addProperty("cpu_cores", e.cpuCores());
        o.addProperty("memory_bytes", e.memoryBytes());
        o.add("gpus", strings(e.gpus()));
        JsonObject versions = new JsonObject();
        e.backendVersions().entrySet().stream().sorted(Map.Entry.comparingByKey())
                .forEach(x -> versions.addProperty(x.getKey(), x.getValue()));
        o.add("backend_versions", versions);
        return o;
    }

    private static JsonObject result(BenchmarkResult r) {
        JsonObject o = new JsonObject();
        o.addProperty("backend", r.backend());
        o.addProperty("backend_version", r.backendVersion());
        o.addProperty("device", r.device());
        o.addProperty("model", r.model());
        o.addProperty("model_path", r.modelPath());
        o.addProperty("random_weights", r.randomWeights());
        o.addProperty("scenario", r.scenario());
        o.addProperty("status", r.status().name().toLowerCase());
        o.addProperty("message", r.message());
        o.add("load_ms", number(r.loadMs()));
        JsonObject summary = new JsonObject();
        for (Metric m : Metric.values()) summary.add(m.column(), summary(r.summary(m)));
        o.add("summary", summary);
        o.add("token_time_ms", summary(r.tokenTimes()));
        JsonArray samples = new JsonArray();
        for (RunSample s : r.samples()) samples.add(sample(s));
        o.add("samples", samples);
        return o;
    }

    private static JsonObject summary(Statistics.Summary s) {
        JsonObject o = new JsonObject();
        o.addProperty("n", s.n());
        o.add("mean", number(s.mean()));
        o.add("stddev", number(s.stddev()));
        o.add("min", number(s.min()));
        o.add("max", number(s.max()));
        o.add("p50", number(s.p50()));
        o.add("p95", number(s.p95()));
        o.add("p99", number(s.p99()));
        return o;
    }

    private static JsonObject sample(RunSample s) {
        JsonObject o = new JsonObject();
        o.addProperty("run", s.run());
        o.addProperty("prompt_tokens", s.promptTokens());
        o.addProperty("generated_tokens", s.generatedTokens());
        for (Metric m : Metric.values()) o.add(m.column(), number(m.of(s)));
        o.addProperty("prompt_ns", s.promptNanos());
        o.addProperty("ttft_ns", s.ttftNanos());
        o.addProperty("decode_tokens", s.decodeTokens());
        o.addProperty("decode_ns", s.decodeNanos());
        o.addProperty("total_ns", s.totalNanos());
        o.addProperty("peak_rss_bytes", s.peakRssBytes());
        o.addProperty("gpu_mem_bytes", s.gpuMemBytes());
        o.addProperty("stop_reason", s.stopReason());
        JsonArray tokens = new JsonArray();
        for (long t : s.tokenNanos()) tokens.add(t);
        o.add("token_ns", tokens);
        return o;
    }

    private static JsonElement number(double v) {
        return Double.isNaN(v) || Double.isInfinite(v) ? JsonNull.INSTANCE : new JsonPrimitive(v);
    }

    private static JsonArray strings(List<String> xs) {
        JsonArray a = new JsonArray();
        xs.forEach(a::add);
        return a;
    }

    // ---------------------------------------------------------------- reading back

    /** Rebuilds a report written by this printer. */
    public static BenchmarkReport parse(String json) throws IOException {
        try {
            JsonObject root = JsonParser.parseString(json).getAsJsonObject();
            String schema = root.has("schema") ? root.get("schema").getAsString() : "";
            if (!schema.equals(SCHEMA)) throw new IOException("not a " + SCHEMA + " report (schema '" + schema + "')");
            List<BenchmarkResult> results = new ArrayList<>();
            for (JsonElement e : root.getAsJsonArray("results")) results.add(parseResult(e.getAsJsonObject()));
            List<String> notes = new ArrayList<>();
            for (JsonElement e : root.getAsJsonArray("notes")) notes.add(e.getAsString());
            return new BenchmarkReport(parseEnvironment(root.getAsJsonObject("environment")),
                    root.get("runs").getAsInt(), root.get("warmup").getAsInt(), root.get("seed").getAsLong(),
                    root.get("cancelled").getAsBoolean(),
                    notes, results);
        } catch (JsonParseException | IllegalStateException | NullPointerException | UnsupportedOperationException e) {
            throw new IOException("malformed benchmark report: " + e.getMessage(), e);
        }
    }

    private static Environment parseEnvironment(JsonObject o) {
        Map<String, String> versions = new LinkedHashMap<>();
        for (Map.Entry<String, JsonElement> x : o.getAsJsonObject("backend_versions").entrySet()) {
            versions.put(x.getKey(), x.getValue().getAsString());
        }
        return new Environment(o.get("timestamp").getAsString(), o.get("git_commit").getAsString(),
                o.get("hearth_version").getAsString(), o.get("jdk").getAsString(), stringList(o, "jvm_flags"),
                o.get("os").getAsString(), o.get("cpu_model").getAsString(), o.get("cpu_cores").getAsInt(),
                o.get("memory_bytes").getAsLong(), stringList(o, "gpus"), versions);
    }

    private static BenchmarkResult parseResult(JsonObject o) {
        List<RunSample> samples = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray("samples")) samples.add(parseSample(e.getAsJsonObject()));
        JsonElement load = o.get("load_ms");
        return new BenchmarkResult(o.get("backend").getAsString(), o.get("backend_version").getAsString(),
                o.get("device").getAsString(), o.get("model").getAsString(), o.get("model_path").getAsString(),
                o.get("random_weights").getAsBoolean(), o.get("scenario").getAsString(),
                BenchmarkResult.Status.valueOf(o.get("status").getAsString().toUpperCase()),
                o.get("message").getAsString(), load == null || load.isJsonNull() ? Double.NaN : load.getAsDouble(),
                samples);
    }

    private static RunSample parseSample(JsonObject o) {
        JsonArray t = o.getAsJsonArray("token_ns");
        long[] tokens = new long[t.size()];
        for (int i = 0; i < tokens.length; i++) tokens[i] = t.get(i).getAsLong();
        return new RunSample(o.get("run").getAsInt(), o.get("prompt_tokens").getAsInt(),
                o.get("generated_tokens").getAsInt(), o.get("prompt_ns").getAsLong(), o.get("ttft_ns").getAsLong(),
                tokens, o.get("decode_tokens").getAsInt(), o.get("decode_ns").getAsLong(),
                o.get("total_ns").getAsLong(), o.get("peak_rss_bytes").getAsLong(), o.get("gpu_mem_bytes").getAsLong(),
                o.get("stop_reason").getAsString());
    }

    private static List<String> stringList(JsonObject o, String key) {
        List<String> xs = new ArrayList<>();
        for (JsonElement e : o.getAsJsonArray(key)) xs.add(e.getAsString());
        return xs;
    }
}
