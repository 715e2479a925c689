package dev.hearth.benchmark.openai;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import java.util.Objects;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.api.backend.Support;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.benchmark.RunSample;
import dev.hearth.benchmark.Scenario;
import dev.hearth.benchmark.Target;

/**
 * Any OpenAI-compatible server (llama.cpp's {@code llama-server}, ollama, vLLM) as a benchmark target, named
 * {@code openai:<URL>} with the URL up to but without {@code /v1}, e.g. {@code openai:http://127.0.0.1:8080}.
 *
 * <p>Raw scenarios go to {@code POST /v1/completions}, chat ones to {@code /v1/chat/completions}, both with
 * {@code stream: true}, {@code temperature: 0} and {@code max_tokens} = the scenario's count, and
 * {@code stream_options.include_usage} so the server reports its token counts. Timing, all with
 * {@link System#nanoTime()} on this side of the socket:
 * <ul>
 *   <li>TTFT: from sending the request to the first server-sent event carrying text;</li>
 *   <li>prompt time: the same (an upper bound: it includes HTTP and the first decode step);</li>
 *   <li>per-token times: between text-carrying events, when the server sends one token per event (otherwise they
 *       are left out: only the server's token count over the stream's duration is reported);</li>
 *   <li>generation speed: (tokens - 1) over the time from the first to the last text event.</li>
 * </ul>
 * Token counts come from the server's {@code usage}; without it, text events are counted. ppN and tgN need
 * token-level evaluation, which these servers do not expose: they are reported unsupported. The model is the
 * server's (the first of {@code GET /v1/models}, or the one named after {@code #} in the id).
 */
public final class OpenAiTarget implements Target {

    /** Prefix of the backend id that selects this target. */
    public static final String PREFIX = "openai:";

    private final URI base;
    private final String requestedModel;
    private final HttpClient http;
    private final Duration timeout;
    private final boolean ignoreEos;
    private volatile String serverHeader = "";

    /**
     * @param spec      {@code openai:http://host:port} or {@code openai:http://host:port#model-name}
     * @param timeout   longest wait for one response
     * @param ignoreEos send {@code ignore_eos: true} (llama-server and vLLM honour it) so every run generates the
     *                  full count
     */
    public OpenAiTarget(String spec, Duration timeout, boolean ignoreEos) {
        if (!spec.startsWith(PREFIX)) throw new IllegalArgumentException("not an openai: backend: " + spec);
        String rest = spec.substring(PREFIX.length());
        int hash = rest.indexOf('#');
        this.requestedModel = hash < 0 ? "" : rest.substring(hash + 1);
        String url = (hash < 0 ? rest : rest.substring(0, hash)).replaceAll("/+$", "").replaceAll("/v1$", "");
        this.base = URI.create(url);
        if (base.getScheme() == null || !base.getScheme().startsWith("http") || base.getHost() == null) {
            throw new IllegalArgumentException("openai backend needs an http(s) URL, was '" + url + "'");
        }
        this.timeout = Objects.requireNonNull(timeout, "timeout");
        this.ignoreEos = ignoreEos;
        this.http = HttpClient.newBuilder().connectTimeout(timeout).version(HttpClient.Version.HTTP_1_1).build();
    }

    @Override
    public String id() {
        return PREFIX + base;
    }

    @Override
    public String version() {
        return serverHeader.isEmpty() ? "unknown server" : serverHeader;
    }

    @Override
    public String deviceLabel() {
        return "remote (" + base.getAuthority() + ")";
    }

    @Override
    public String gpu() {
        return "";
    }

    @Override
    public boolean alive() {
        return true;
    }

    @Override
    public boolean servesOwnModel() {
        return true;
    }

    @Override
    public Support supports(ModelDescription model) {
        return Support.yes();
    }

    @Override
    public Loaded load(ModelDescription ignored) throws IOException {
        HttpResponse<String> r = send(HttpRequest.newBuilder(base.resolve("/v1/models")).timeout(timeout).GET()
                .build(), HttpResponse.BodyHandlers.ofString());
        serverHeader = r.headers().firstValue("server").orElse("");
        String model = requestedModel;
        if (model.isEmpty()) {
            if (r.statusCode() != 200) throw new IOException(id() + ": GET /v1/models answered " + r.statusCode());
            JsonArray data = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("data");
            if (data == null || data.isEmpty()) throw new IOException(id() + ": the server lists no model");
            model = data.get(0).getAsJsonObject().get("id").getAsString();
        }
        return new Remote(model);
    }

    private <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(request, handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** The server's model, ready for scenarios. */
    private final class Remote implements Loaded {
        private final String model;
        private volatile InputStream current;
        private volatile boolean cancelled;

        Remote(String model) {
            this.model = model;
        }

        @Override
        public String modelName() {
            return model;
        }

        @Override
        public String modelPath() {
            return base.toString();
        }

        @Override
        public boolean randomWeights() {
            return false;
        }

        @Override
        public RunSample run(Scenario scenario, int run, long seed) throws IOException {
            if (scenario.kind() != Scenario.Kind.TEXT) {
                throw new UnsupportedScenarioException(scenario.name()
                        + " needs token-level evaluation, which an OpenAI-compatible server does not expose");
            }
            JsonObject body = requestBody(scenario);
            HttpRequest request = HttpRequest.newBuilder(base.resolve(scenario.chat() ? "/v1/chat/completions"
                            : "/v1/completions")).timeout(timeout).header("Content-Type", "application/json")
                    .header("Accept", "text/event-stream")
                    .POST(HttpRequest.BodyPublishers.ofString(body.toString())).build();
            long start = System.nanoTime();
            HttpResponse<InputStream> response = send(request, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = response.body()) {
                if (response.statusCode() != 200) {
                    String err = new String(in.readNBytes(500), StandardCharsets.UTF_8);
                    throw new IOException(id() + " answered " + response.statusCode() + ": " + err.strip());
                }
                current = in;
                StreamTimer timer = new StreamTimer(start);
                readEvents(in, timer);
                return timer.sample(run, cancelled);
            } finally {
                current = null;
            }
        }

        private JsonObject requestBody(Scenario scenario) {
            JsonObject body = new JsonObject();
            body.addProperty("model", model);
            if (scenario.chat()) {
                JsonArray messages = new JsonArray();
                if (!scenario.system().isEmpty()) messages.add(message("system", scenario.system()));
                messages.add(message("user", scenario.prompt()));
                body.add("messages", messages);
            } else {
                body.addProperty("prompt", scenario.prompt());
            }
            body.addProperty("max_tokens", scenario.generate());
            body.addProperty("temperature", 0);
            body.addProperty("stream", true);
            JsonObject options = new JsonObject();
            options.addProperty("include_usage", true);
            body.add("stream_options", options);
            if (ignoreEos) body.addProperty("ignore_eos", true);
            return body;
        }

        private static JsonObject message(String role, String content) {
            JsonObject m = new JsonObject();
            m.addProperty("role", role);
            m.addProperty("content", content);
            return m;
        }

        /** Reads server-sent events ({@code data: {...}} lines, ended by {@code data: [DONE]}). */
        private void readEvents(InputStream in, StreamTimer timer) throws IOException {
            BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
            String line;
            while (!cancelled && (line = reader.readLine()) != null) {
                if (!line.startsWith("data:")) continue; // comments, event names, blank separators
                String data = line.substring(5).strip();
                if (data.equals("[DONE]")) break;
                JsonObject event = JsonParser.parseString(data).getAsJsonObject();
                long now = System.nanoTime();
                String text = text(event);
                if (!text.isEmpty()) timer.onText(now);
                JsonElement usage = event.get("usage");
                if (usage != null && usage.isJsonObject()) timer.onUsage(usage.getAsJsonObject());
                String finish = finishReason(event);
                if (finish != null) timer.finishReason = finish;
            }
        }

        private static String text(JsonObject event) {
            JsonArray choices = event.getAsJsonArray("choices");
            if (choices == null || choices.isEmpty()) return "";
            JsonObject c = choices.get(0).getAsJsonObject();
            JsonElement t = c.get("text"); // completions
            if (t == null && c.get("delta") instanceof JsonObject delta) t = delta.get("content"); // chat
            return t == null || t.isJsonNull() ? "" : t.getAsString();
        }

        private static String finishReason(JsonObject event) {
            JsonArray choices = event.getAsJsonArray("choices");
            if (choices == null || choices.isEmpty()) return null;
            JsonElement f = choices.get(0).getAsJsonObject().get("finish_reason");
            return f == null || f.isJsonNull() ? null : f.getAsString();
        }

        @Override
        public void cancel() {
            cancelled = true;
            InputStream in = current;
            if (in != null) {
                try {
                    in.close();
                } catch (IOException e) {
                    // closing only to stop reading
                }
            }
        }

        @Override
        public void close() {
            cancel();
        }
    }

    /** Timestamps of the text events of one stream, and the server's counts. */
    private static final class StreamTimer {
        private final long start;
        private final java.util.List<Long> events = new java.util.ArrayList<>();
        private int usagePrompt = -1;
        private int usageCompletion = -1;
        String finishReason = "";

        StreamTimer(long start) {
            this.start = start;
        }

        void onText(long now) {
            events.add(now);
        }

        void onUsage(JsonObject usage) {
            if (usage.has("prompt_tokens")) usagePrompt = usage.get("prompt_tokens").getAsInt();
            if (usage.has("completion_tokens")) usageCompletion = usage.get("completion_tokens").getAsInt();
        }

        RunSample sample(int run, boolean cancelled) {
            long end = System.nanoTime();
            int generated = usageCompletion >= 0 ? usageCompletion : events.size();
            long ttft = events.isEmpty() ? -1 : events.getFirst() - start;
            long[] tokenNanos = new long[0];
            if (events.size() == generated) { // one token per event: each event's time is a token's time
                tokenNanos = new long[generated];
                long prev = start;
                for (int i = 0; i < generated; i++) {
                    tokenNanos[i] = events.get(i) - prev;
                    prev = events.get(i);
                }
            }
            int decodeTokens = Math.max(0, generated - 1);
            long decodeNanos = events.size() < 2 ? 0 : events.getLast() - events.getFirst();
            String stop = cancelled ? "cancelled" : switch (finishReason) {
                case "length" -> "max_tokens";
                case "stop" -> "end_of_generation";
                default -> finishReason.toLowerCase(Locale.ROOT);
            };
            return new RunSample(run, Math.max(usagePrompt, 0), generated, Math.max(ttft, 0), ttft, tokenNanos,
                    events.size() < 2 ? 0 : decodeTokens, decodeNanos, end - start, -1, -1, stop);
        }
    }
}
