package dev.hearth.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code bin/hearth serve} tested as a client would: the real host with stories260K in a models folder of the test's,
 * a real HTTP client. One server for the class (2 generations at once, 40 waiting), so CI pays one start-up.
 */
class ServeIT {
    private static final String MODEL = "stories260K";
    private static final int PARALLEL = 2;
    private static final int QUEUE = 40;

    static Path work;
    static Path models;
    static Path deploy;
    static int port;
    static Process server;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        Path gguf = Dist.shared("models/stories260K/stories260K.gguf").resolve("models/stories260K/stories260K.gguf");
        work = Files.createTempDirectory("hearth-serve-it");
        models = Files.createDirectories(work.resolve("models"));
        deploy = Files.createDirectories(work.resolve("deploy"));
        Files.createSymbolicLink(models.resolve(MODEL + ".gguf"), gguf.toAbsolutePath());
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        ProcessBuilder pb = new ProcessBuilder(Dist.home().resolve("bin/hearth").toString(), "serve")
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(work.resolve("serve.log").toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("HEARTH_OPTS", opts());
        server = pb.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .executor(Executors.newVirtualThreadPerTaskExecutor()).build();
        Dist.await(Duration.ofSeconds(60), ServeIT::healthy, () -> "the server on port " + port + " to answer /health;"
                + " log:\n" + log());
    }

    /** The server's settings, also handed to commands run beside it. */
    static String opts() {
        return "-Dhearth.dir.deploy=" + deploy + " -Dhearth.models.dir=" + models + " -Dhearth.serve.port=" + port
                + " -Dhearth.serve.chat-template=llama2 -Dhearth.serve.parallel=" + PARALLEL
                + " -Dhearth.serve.queue=" + QUEUE + " -Dhearth.service.timeout=5";
    }

    @AfterAll
    static void stop() throws Exception {
        if (server == null) return;
        server.destroy(); // SIGTERM: the host stops cleanly
        if (!server.waitFor(30, TimeUnit.SECONDS)) server.destroyForcibly();
    }

    private static boolean healthy() {
        try {
            return get("/health").statusCode() == 200;
        } catch (IOException e) {
            assertTrue(server.isAlive(), "the server exited:\n" + log());
            return false;
        }
    }

    static String log() {
        try {
            return Files.readString(work.resolve("serve.log"));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    static HttpResponse<String> get(String path) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(30)).GET().build());
    }

    static HttpResponse<String> post(String path, String body) throws IOException {
        return send(HttpRequest.newBuilder(uri(path)).timeout(Duration.ofSeconds(120))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build());
    }

    private static HttpResponse<String> send(HttpRequest r) throws IOException {
        try {
            for (int attempt = 1; ; attempt++) {
                try {
                    return http.send(r, HttpResponse.BodyHandlers.ofString());
                } catch (IOException e) {
                    // keep-alive connections from earlier tests that the server has since closed (the flood and
                    // disconnect tests leave several): HttpClient does not retry a POST on a connection that went
                    // away, and each attempt uses up one such connection
                    if (attempt == 8 || !String.valueOf(e.getMessage()).contains("received no bytes")) throw e;
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static URI uri(String path) {
        return URI.create("http://127.0.0.1:" + port + path);
    }

    static String chatBody(String prompt, long seed, int maxTokens, boolean stream) {
        return "{\"model\":\"" + MODEL + "\",\"messages\":[{\"role\":\"user\",\"content\":\"" + prompt + "\"}],"
                + "\"seed\":" + seed + ",\"max_tokens\":" + maxTokens + ",\"stream\":" + stream
                + ",\"stream_options\":{\"include_usage\":true}}";
    }

    /** A parsed event stream: the text, the chunk ids, and whether it ended with [DONE]. */
    record Sse(String text, Set<String> ids, boolean done, String finishReason, JsonObject usage, int events) {}

    static Sse readStream(InputStream in) throws IOException {
        BufferedReader r = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        StringBuilder text = new StringBuilder();
        Set<String> ids = new HashSet<>();
        String finish = null;
        JsonObject usage = null;
        boolean done = false;
        int events = 0;
        String line;
        while ((line = r.readLine()) != null) {
            if (line.isEmpty()) continue;
            assertTrue(line.startsWith("data: "), "an SSE data line: " + line);
            String data = line.substring(6);
            assertFalse(done, "nothing after [DONE]: " + line);
            if (data.equals("[DONE]")) {
                done = true;
                continue;
            }
            events++;
            JsonObject o = JsonParser.parseString(data).getAsJsonObject();
            ids.add(o.get("id").getAsString());
            if (o.has("usage")) usage = o.getAsJsonObject("usage");
            JsonArray choices = o.getAsJsonArray("choices");
            if (choices.isEmpty()) continue;
            JsonObject c = choices.get(0).getAsJsonObject();
            JsonObject delta = c.getAsJsonObject("delta");
            if (delta != null && delta.has("content")) text.append(delta.get("content").getAsString());
            if (c.has("text")) text.append(c.get("text").getAsString());
            if (!c.get("finish_reason").isJsonNull()) finish = c.get("finish_reason").getAsString();
        }
        return new Sse(text.toString(), ids, done, finish, usage, events);
    }

    static Sse stream(String body) throws IOException {
        HttpRequest r = HttpRequest.newBuilder(uri("/v1/chat/completions")).timeout(Duration.ofSeconds(300))
                .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build();
        try {
            HttpResponse<InputStream> resp = http.send(r, HttpResponse.BodyHandlers.ofInputStream());
            try (InputStream in = resp.body()) {
                if (resp.statusCode() != 200) {
                    throw new AssertionError("status " + resp.statusCode() + ": " + new String(in.readAllBytes(),
                            StandardCharsets.UTF_8));
                }
                assertTrue(resp.headers().firstValue("content-type").orElse("").startsWith("text/event-stream"));
                return readStream(in);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    static double metric(String name) throws IOException {
        String text = get("/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + " (\\S+)$").matcher(text);
        assertTrue(m.find(), name + " in /metrics:\n" + text);
        return Double.parseDouble(m.group(1));
    }

    // ---- the tests ---------------------------------------------------------------------------------------------

    @Test
    void streamedChatCompletionGivesHearthRunsText() throws Exception {
        Sse s = stream(chatBody("Tell me a story", 7, 24, true));
        assertTrue(s.done(), "ends with [DONE]");
        assertEquals(1, s.ids().size(), "one id for every chunk of a response");
        assertNotNull(s.finishReason(), "a finish_reason");
        assertNotNull(s.usage(), "include_usage gives a usage chunk");
        HearthRunner.Result run = new HearthRunner(work, deploy).run(Map.of("HEARTH_OPTS", opts()), "run",
                models.resolve(MODEL + ".gguf").toString(), "-p", "Tell me a story", "--chat", "--chat-template",
                "llama2", "--seed", "7", "-n", "24");
        assertEquals(0, run.code(), run.toString());
        assertEquals(run.out(), s.text() + "\n", "the same text as hearth run with the same seed and parameters");
        assertTrue(s.usage().get("completion_tokens").getAsInt() > 0, "usage counts the tokens");
    }

    @Test
    void thirtyTwoConcurrentStreamsAreCompleteAndUnmixed() throws Exception {
        int seeds = 8;
        int copies = 4;
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < seeds; i++) { // alone, one after the other, not streamed
            HttpResponse<String> r = post("/v1/chat/completions", chatBody("Once upon a time", 100 + i, 16, false));
            assertEquals(200, r.statusCode(), r.body());
            expected.add(JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonArray("choices").get(0)
                    .getAsJsonObject().getAsJsonObject("message").get("content").getAsString());
        }
        List<CompletableFuture<Sse>> futures = new ArrayList<>();
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (int c = 0; c < copies; c++) {
                for (int i = 0; i < seeds; i++) {
                    int seed = 100 + i;
                    futures.add(CompletableFuture.supplyAsync(() -> {
                        try {
                            return stream(chatBody("Once upon a time", seed, 16, true));
                        } catch (IOException e) {
                            throw new RuntimeException(e);
                        }
                    }, pool));
                }
            }
        }
        Set<String> ids = new HashSet<>();
        for (int k = 0; k < futures.size(); k++) {
            Sse s = futures.get(k).get(300, TimeUnit.SECONDS);
            assertTrue(s.done(), "stream " + k + " ends with [DONE]");
            assertEquals(1, s.ids().size(), "stream " + k + " carries one response id");
            assertTrue(ids.add(s.ids().iterator().next()), "every response has its own id");
            assertNotNull(s.finishReason(), "stream " + k + " has a finish_reason");
            assertEquals(expected.get(k % seeds), s.text(), "stream " + k + " (seed " + (100 + k % seeds)
                    + ") has exactly the text of the same request alone");
        }
        assertEquals(seeds * copies, ids.size());
        // the concurrent streams went through shared decode passes (continuous batching), still unmixed above
        double passes = metric("hearth_model_decode_passes_total{model=\"" + MODEL + "\"}");
        double steps = metric("hearth_model_decode_steps_total{model=\"" + MODEL + "\"}");
        assertTrue(steps > passes, steps + " decode steps in " + passes + " passes: some passes held several");
    }

    @Test
    void aClientThatDisconnectsMidStreamFreesItsSession() throws Exception {
        double before = metric("hearth_client_disconnects_total");
        boolean seen = false;
        for (int attempt = 0; attempt < 5 && !seen; attempt++) {
            String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":500,"
                    + "\"temperature\":0,\"stream\":true}";
            try (Socket socket = new Socket("127.0.0.1", port)) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n"
                        + "Content-Length: " + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body)
                        .getBytes(StandardCharsets.UTF_8));
                out.flush();
                BufferedReader r = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                        StandardCharsets.UTF_8));
                String line;
                while ((line = r.readLine()) != null && !line.contains("data: ")) {
                    // headers, chunk sizes: until the first event
                }
                assertNotNull(line, "a first event before the disconnect");
            } // closes the connection mid-stream
            long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
            while (System.nanoTime() < end && !(seen = metric("hearth_client_disconnects_total") > before)) {
                Thread.sleep(50);
            }
        }
        assertTrue(seen, "the server noticed a client going away and cancelled its generation");
        Dist.await(Duration.ofSeconds(10), () -> {
            try {
                return metric("hearth_sessions_open") == 0 && metric("hearth_requests_running") == 0;
            } catch (IOException e) {
                return false;
            }
        }, () -> "the session to be given back");
        assertEquals(200, post("/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"Hi\",\"max_tokens\":4}")
                .statusCode(), "the server still generates");
    }

    @Test
    void aClientThatDisconnectsWhileQueuedIsDroppedBeforeItsTurn() throws Exception {
        double before = metric("hearth_queue_dropped_total");
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":400,"
                + "\"temperature\":0}";
        List<CompletableFuture<HttpResponse<String>>> ahead = new ArrayList<>();
        for (int i = 0; i < QUEUE / 2; i++) { // fills both slots and queues the rest: several seconds of work
            ahead.add(http.sendAsync(HttpRequest.newBuilder(uri("/v1/completions")).timeout(Duration.ofSeconds(300))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        Dist.await(Duration.ofSeconds(30), () -> gauge("hearth_queue_length") >= 2, () -> "requests to queue up");
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.getOutputStream().write(("POST /v1/completions HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: "
                    + "application/json\r\nContent-Length: " + body.length() + "\r\n\r\n" + body)
                    .getBytes(StandardCharsets.UTF_8));
            socket.getOutputStream().flush();
            Thread.sleep(300); // read, parsed and queued: the server has the whole request
        } // hangs up while its request waits behind the others
        Dist.await(Duration.ofSeconds(10), () -> gauge("hearth_queue_dropped_total") > before,
                () -> "the queued request of the client that left to be dropped; log:\n" + log());
        assertTrue(ahead.stream().anyMatch(f -> !f.isDone()), "dropped while the requests ahead of it still ran, "
                + "not when its turn came");
        for (CompletableFuture<HttpResponse<String>> f : ahead) {
            assertEquals(200, f.get(300, TimeUnit.SECONDS).statusCode(), "the others are served");
        }
        assertEquals(before + 1, metric("hearth_queue_dropped_total"), "exactly the one that left");
        // a session is handed back just after its response is written: give the last one a moment
        Dist.await(Duration.ofSeconds(10), () -> gauge("hearth_sessions_open") == 0, () -> "sessions to close");
        assertEquals(0, metric("hearth_queue_length"));
    }

    /** {@link #metric} for use in {@link Dist#await} conditions. */
    static double gauge(String name) {
        try {
            return metric(name);
        } catch (IOException e) {
            return Double.NaN;
        }
    }

    @Test
    void aSecondServerOnTheSamePortSaysSoInOneLineAndExits1() throws Exception {
        long t0 = System.nanoTime();
        HearthRunner.Result r = new HearthRunner(work, deploy).run(Map.of("HEARTH_OPTS", opts()), "serve");
        String expected = "hearth serve: cannot listen on 127.0.0.1:" + port + ": address already in use";
        assertEquals(1, r.code(), r.toString());
        assertEquals(expected, r.errLines().getLast(), "the reason, last: " + r);
        assertEquals(1, r.errLines().stream().filter(l -> l.contains("cannot listen")).count(), "said once: " + r);
        assertFalse((r.out() + r.err()).contains("SEVERE"), "no SEVERE log line: " + r);
        assertTrue(r.noStackTrace(), r.toString());
        assertFalse((r.out() + r.err()).contains("serving;"), "no host left serving: " + r);
        assertTrue((System.nanoTime() - t0) / 1e9 < 60, "exits at once rather than serving");
        assertEquals(200, get("/health").statusCode(), "the first server is untouched");
    }

    @Test
    void aFloodBeyondTheQueueGets429WithRetryAfterAndHealthStillAnswers() throws Exception {
        int n = 150;
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":200,"
                + "\"temperature\":0}";
        List<CompletableFuture<HttpResponse<String>>> flood = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            flood.add(http.sendAsync(HttpRequest.newBuilder(uri("/v1/completions")).timeout(Duration.ofSeconds(300))
                    .POST(HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString()));
        }
        long t0 = System.nanoTime();
        HttpResponse<String> health = get("/health");
        long healthMs = (System.nanoTime() - t0) / 1_000_000;
        assertEquals(200, health.statusCode());
        assertTrue(healthMs < 5_000, "/health answered in " + healthMs + " ms during the flood");
        int ok = 0;
        int refused = 0;
        for (CompletableFuture<HttpResponse<String>> f : flood) {
            HttpResponse<String> r = f.get(300, TimeUnit.SECONDS);
            if (r.statusCode() == 429) {
                refused++;
                assertTrue(r.headers().firstValue("Retry-After").isPresent(), "429 carries Retry-After");
                assertTrue(r.body().contains("\"error\""), r.body());
            } else {
                assertEquals(200, r.statusCode(), r.body());
                ok++;
            }
        }
        assertTrue(refused > 0, "some of " + n + " requests refused (" + ok + " served)");
        assertTrue(ok >= PARALLEL, "the admitted ones are served (" + ok + ")");
        assertEquals(200, get("/health").statusCode());
        assertTrue(metric("hearth_rejected_total") >= refused);
    }

    @Test
    void badRequestsGetAMessageAndNoStackTrace() throws Exception {
        for (String[] c : new String[][]{
                {"{\"model\": \"" + MODEL + "\", \"prompt\": ", "400", "malformed JSON"},
                {"[1, 2]", "400", "JSON object"},
                {"{\"model\":\"../etc/passwd\",\"prompt\":\"x\"}", "400", "not a model name"},
                {"{\"model\":\"/tmp/x.gguf\",\"prompt\":\"x\"}", "400", "not a model name"},
                {"{\"model\":\"no-such-model\",\"prompt\":\"x\"}", "404", "not in the models folder"},
                {"{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"temperature\":\"hot\"}", "400", "temperature"},
                {"{\"model\":\"" + MODEL + "\",\"prompt\":\"x\",\"n\":3}", "400", "'n'"},
                {"{\"model\":\"" + MODEL + "\",\"prompt\":\"" + "x".repeat(2 << 20) + "\"}", "413", "larger than"}}) {
            HttpResponse<String> r = post("/v1/completions", c[0]);
            assertEquals(Integer.parseInt(c[1]), r.statusCode(), c[0].length() > 80 ? c[0].substring(0, 80) : c[0]);
            JsonObject err = JsonParser.parseString(r.body()).getAsJsonObject().getAsJsonObject("error");
            assertTrue(err.get("message").getAsString().contains(c[2]), r.body());
            assertFalse(r.body().contains("Exception") || r.body().contains("\tat "), r.body());
            assertFalse(r.body().contains(models.toString()), "no server path in " + r.body());
        }
        String longPrompt = "Once upon a time ".repeat(3000); // about 15000 tokens, past the context
        HttpResponse<String> r = post("/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"" + longPrompt
                + "\",\"stream\":true}");
        assertEquals(400, r.statusCode(), "a prompt longer than the context is refused before streaming: " + r.body());
    }

    @Test
    void modelsPsAndMetricsDescribeTheServer() throws Exception {
        HttpResponse<String> m = get("/v1/models");
        assertEquals(200, m.statusCode());
        assertEquals(MODEL, JsonParser.parseString(m.body()).getAsJsonObject().getAsJsonArray("data").get(0)
                .getAsJsonObject().get("id").getAsString());
        assertEquals(200, post("/v1/completions", "{\"model\":\"" + MODEL + "\",\"prompt\":\"Hi\",\"max_tokens\":2}")
                .statusCode());
        HearthRunner hearth = new HearthRunner(work, deploy);
        HearthRunner.Result ps = hearth.run(Map.of("HEARTH_OPTS", opts()), "ps");
        assertEquals(0, ps.code(), ps.toString());
        assertTrue(ps.out().contains(MODEL) && ps.out().contains("gguf-cpu"), ps.out());
        HearthRunner.Result list = hearth.run(Map.of("HEARTH_OPTS", opts()), "models");
        assertEquals(0, list.code(), list.toString());
        assertTrue(list.out().contains(MODEL) && list.out().contains("gguf") && list.out().contains("F32"), list.out());
        String metrics = get("/metrics").body();
        for (String name : List.of("hearth_requests_total{", "hearth_generated_tokens_total", "hearth_queue_length",
                "hearth_time_to_first_token_seconds_bucket", "hearth_model_loaded{model=\"" + MODEL + "\"")) {
            assertTrue(metrics.contains(name), name + " in\n" + metrics);
        }
    }

    @Test
    void theBenchmarksOpenAiTargetMeasuresOurServer() throws Exception {
        Path out = work.resolve("bench");
        HearthRunner.Result r = new HearthRunner(work, deploy).run(Map.of("HEARTH_OPTS", opts()), "bench",
                "--backend", "openai:http://127.0.0.1:" + port + "#" + MODEL, "--scenario", "short", "--runs", "1",
                "--warmup", "0", "--format", "json", "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        Path json;
        try (Stream<Path> files = Files.list(out)) {
            json = files.filter(p -> p.toString().endsWith(".json")).findFirst().orElseThrow();
        }
        String report = Files.readString(json);
        Matcher g = Pattern.compile("\"generated_tokens\"\\s*:\\s*(\\d+)").matcher(report);
        assertTrue(g.find() && Integer.parseInt(g.group(1)) > 0, "tokens generated through the API:\n" + report);
    }
}
