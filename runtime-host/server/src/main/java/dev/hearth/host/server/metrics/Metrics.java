package dev.hearth.host.server.metrics;

import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import dev.hearth.api.backend.DecodeBatching;

/**
 * What {@code GET /metrics} reports, in the Prometheus text exposition format (version 0.0.4): counters of requests
 * by endpoint and status, of tokens, of rejections and client disconnects; gauges of running and queued requests,
 * open sessions and loaded models; histograms of request duration, time to first token, queue wait and load time.
 * Every update is lock-free; {@link #render} reads a consistent-enough snapshot.
 */
public final class Metrics {

    private static final double[] LATENCY = {0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120};

    private final Map<String, AtomicLong> requests = new ConcurrentSkipListMap<>();
    private final AtomicLong promptTokens = new AtomicLong();
    private final AtomicLong generatedTokens = new AtomicLong();
    private final AtomicLong rejected = new AtomicLong();
    private final AtomicLong disconnects = new AtomicLong();
    private final AtomicLong queueDropped = new AtomicLong();
    private final AtomicLong loads = new AtomicLong();
    private final AtomicLong unloads = new AtomicLong();
    private final Map<String, AtomicLong> loadFailures = new ConcurrentHashMap<>();
    private final Histogram duration = new Histogram("hearth_request_duration_seconds",
            "Time from receiving a generation request to its last byte.", LATENCY);
    private final Histogram ttft = new Histogram("hearth_time_to_first_token_seconds",
            "Time from receiving a generation request to its first generated token.", LATENCY);
    private final Histogram queueWait = new Histogram("hearth_queue_wait_seconds",
            "Time a generation request waited for a free slot.", LATENCY);
    private final Histogram loadTime = new Histogram("hearth_model_load_seconds",
            "Time to load a model on demand.", LATENCY);

    /** Live figures read when rendering. */
    public record Gauges(int running, int queued, int sessionsOpen, List<LoadedModelGauge> models) {}

    /** One loaded model: name, backend, sessions in use, what continuous batching did (where it batches). */
    public record LoadedModelGauge(String name, String backend, int sessionsInUse, long weightBytes,
                                   Optional<DecodeBatching> decodeBatching) {}

    /** A request finished with an HTTP status. */
    public void request(String endpoint, int status) {
        requests.computeIfAbsent(endpoint + "\u0000" + status, k -> new AtomicLong()).incrementAndGet();
    }

    public void tokens(int prompt, int generated) {
        promptTokens.addAndGet(prompt);
        generatedTokens.addAndGet(generated);
    }

    public void rejected() {
        rejected.incrementAndGet();
    }

    public void disconnected() {
        disconnects.incrementAndGet();
    }

    /** A queued request whose client went away was dropped before it ran. */
    public void queueDropped() {
        queueDropped.incrementAndGet();
    }

    public long disconnects() {
        return disconnects.get();
    }

    public void modelLoaded(double seconds) {
        loads.incrementAndGet();
        loadTime.observe(seconds);
    }

    public void modelUnloaded() {
        unloads.incrementAndGet();
    }

    public void loadFailed(String reason) {
        loadFailures.computeIfAbsent(reason, k -> new AtomicLong()).incrementAndGet();
    }

    public void duration(double seconds) {
        duration.observe(seconds);
    }

    public void ttft(double seconds) {
        ttft.observe(seconds);
    }

    public void queueWait(double seconds) {
        queueWait.observe(seconds);
    }

    /** The exposition text. */
    public String render(Supplier<Gauges> gauges) {
        Gauges g = gauges.get();
        StringBuilder out = new StringBuilder(4096);
        header(out, "hearth_requests_total", "counter", "HTTP requests answered, by endpoint and status code.");
        requests.forEach((k, v) -> {
            int cut = k.indexOf('\u0000');
            out.append("hearth_requests_total{endpoint=\"").append(escape(k.substring(0, cut))).append("\",code=\"")
                    .append(k.substring(cut + 1)).append("\"} ").append(v.get()).append('\n');
        });
        counter(out, "hearth_prompt_tokens_total", "Prompt tokens evaluated.", promptTokens.get());
        counter(out, "hearth_generated_tokens_total", "Tokens generated.", generatedTokens.get());
        counter(out, "hearth_rejected_total", "Requests refused with 429 because the queue was full.", rejected.get());
        counter(out, "hearth_client_disconnects_total",
                "Requests whose client went away: streams cancelled, queued requests dropped.", disconnects.get());
        counter(out, "hearth_queue_dropped_total",
                "Queued requests dropped without generating because their client went away.", queueDropped.get());
        counter(out, "hearth_model_loads_total", "Models loaded on demand.", loads.get());
        counter(out, "hearth_model_unloads_total", "Models unloaded (idle, memory, shutdown).", unloads.get());
        header(out, "hearth_model_load_failures_total", "counter", "Models that could not be loaded, by reason.");
        loadFailures.forEach((k, v) -> out.append("hearth_model_load_failures_total{reason=\"").append(escape(k))
                .append("\"} ").append(v.get()).append('\n'));
        gauge(out, "hearth_requests_running", "Generations running now.", g.running());
        gauge(out, "hearth_queue_length", "Generation requests waiting for a slot.", g.queued());
        gauge(out, "hearth_sessions_open", "Sessions (KV caches) in use by a request now.", g.sessionsOpen());
        gauge(out, "hearth_models_loaded", "Models loaded now.", g.models().size());
        header(out, "hearth_model_loaded", "gauge", "1 for each loaded model, with its backend.");
        for (LoadedModelGauge m : g.models()) {
            out.append("hearth_model_loaded{model=\"").append(escape(m.name())).append("\",backend=\"")
                    .append(escape(m.backend())).append("\"} 1\n");
        }
        header(out, "hearth_model_sessions_in_use", "gauge", "Sessions in use, per loaded model.");
        for (LoadedModelGauge m : g.models()) {
            out.append("hearth_model_sessions_in_use{model=\"").append(escape(m.name())).append("\"} ")
                    .append(m.sessionsInUse()).append('\n');
        }
        header(out, "hearth_model_decode_passes_total", "counter",
                "Decode passes of a model that batches its sessions' steps (continuous batching).");
        for (LoadedModelGauge m : g.models()) {
            m.decodeBatching().ifPresent(b -> out.append("hearth_model_decode_passes_total{model=\"")
                    .append(escape(m.name())).append("\"} ").append(b.passes()).append('\n'));
        }
        header(out, "hearth_model_decode_steps_total", "counter",
                "Session decode steps those passes held; steps / passes is the mean batch.");
        for (LoadedModelGauge m : g.models()) {
            m.decodeBatching().ifPresent(b -> out.append("hearth_model_decode_steps_total{model=\"")
                    .append(escape(m.name())).append("\"} ").append(b.steps()).append('\n'));
        }
        duration.write(out);
        ttft.write(out);
        queueWait.write(out);
        loadTime.write(out);
        return out.toString();
    }

    private static void header(StringBuilder out, String name, String type, String help) {
        out.append("# HELP ").append(name).append(' ').append(help).append('\n');
        out.append("# TYPE ").append(name).append(' ').append(type).append('\n');
    }

    private static void counter(StringBuilder out, String name, String help, long v) {
        header(out, name, "counter", help);
        out.append(name).append(' ').append(v).append('\n');
    }

    private static void gauge(StringBuilder out, String name, String help, long v) {
        header(out, name, "gauge", help);
        out.append(name).append(' ').append(v).append('\n');
    }

    /** Label values escape backslash, double quote and line feed. */
    static String escape(String s) {
        return s.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    static String number(double d) {
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : String.format(Locale.ROOT, "%s", d);
    }
}
