package dev.hearth.benchmark.openai;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.hearth.benchmark.BenchmarkResult;
import dev.hearth.benchmark.BenchmarkRunner;
import dev.hearth.benchmark.Metric;
import dev.hearth.benchmark.RunSample;
import dev.hearth.benchmark.Scenario;
import dev.hearth.benchmark.Scenarios;
import dev.hearth.benchmark.Target;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The OpenAI-compatible target against a small fake server on 127.0.0.1 that streams SSE chunks: one token per
 * chunk, {@value #FIRST_MS} ms before the first and {@value #STEP_MS} ms between the next, then usage and [DONE].
 */
class OpenAiTargetTest {

    private static final int FIRST_MS = 30;
    private static final int STEP_MS = 4;

    static {
        // Without TCP_NODELAY, Nagle's algorithm and delayed ACKs hold back the small SSE writes on loopback and
        // deliver them in bursts, as a real server with Nagle off would not. Read once, before the first server.
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private HttpServer server;
    private final List<JsonObject> requests = new CopyOnWriteArrayList<>();
    private final List<String> paths = new CopyOnWriteArrayList<>();

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/models", ex -> reply(ex, 200, "{\"object\":\"list\",\"data\":[{\"id\":\"fake-7b\"}]}"));
        server.createContext("/v1/completions", this::stream);
        server.createContext("/v1/chat/completions", this::stream);
        server.start();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private String url() {
        return "openai:http://127.0.0.1:" + server.getAddress().getPort();
    }

    private static void reply(HttpExchange ex, int status, String body) throws IOException {
        byte[] b = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().add("Server", "fake-llama/1.0");
        ex.sendResponseHeaders(status, b.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(b);
        }
    }

    private void stream(HttpExchange ex) throws IOException {
        JsonObject req = JsonParser.parseString(new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8))
                .getAsJsonObject();
        requests.add(req);
        paths.add(ex.getRequestURI().getPath());
        boolean chat = ex.getRequestURI().getPath().contains("chat");
        int n = req.get("max_tokens").getAsInt();
        ex.getResponseHeaders().add("Content-Type", "text/event-stream");
        ex.sendResponseHeaders(200, 0);
        try (OutputStream out = ex.getResponseBody()) {
            sleep(FIRST_MS);
            for (int i = 0; i < n; i++) {
                if (i > 0) sleep(STEP_MS);
                String choice = chat ? "{\"index\":0,\"delta\":{\"content\":\"w" + i + " \"},\"finish_reason\":"
                        + (i == n - 1 ? "\"length\"" : "null") + "}"
                        : "{\"index\":0,\"text\":\"w" + i + " \",\"finish_reason\":" + (i == n - 1 ? "\"length\"" : "null") + "}";
                out.write(("data: {\"choices\":[" + choice + "]}\n\n").getBytes(StandardCharsets.UTF_8));
                out.flush();
            }
            out.write(("data: {\"choices\":[],\"usage\":{\"prompt_tokens\":17,\"completion_tokens\":" + n
                    + ",\"total_tokens\":" + (17 + n) + "}}\n\ndata: [DONE]\n\n").getBytes(StandardCharsets.UTF_8));
        }
    }

    private static void sleep(int ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Scenario small(boolean chat) {
        Scenario s = Scenarios.shipped().get("short");
        Scenario t = new Scenario("short", Scenario.Kind.TEXT, s.description(), s.prompt(), s.system(), 16, 12, false);
        return chat ? t.asChat() : t;
    }

    @Test
    void streamedTokensAreTimedOnArrival() throws IOException {
        OpenAiTarget target = new OpenAiTarget(url(), Duration.ofSeconds(10), true);
        try (Target.Loaded loaded = target.load(null)) {
            assertEquals("fake-7b", loaded.modelName());
            assertEquals("fake-llama/1.0", target.version());
            RunSample s = loaded.run(small(false), 1, 0);
            assertEquals(12, s.generatedTokens());
            assertEquals(17, s.promptTokens());
            assertEquals(12, s.tokenNanos().length);
            assertTrue(s.ttftMs() >= FIRST_MS, "ttft " + s.ttftMs());
            assertTrue(s.ttftNanos() <= s.totalNanos());
            assertEquals(11, s.decodeTokens());
            // the last token cannot arrive before the server sent it (on a busy machine chunks may bunch, so the
            // time per token alone could look shorter than the server's pace)
            assertTrue(s.totalNanos() / 1e6 >= FIRST_MS + 11 * STEP_MS * 0.9, "total " + s.totalNanos() / 1e6);
            assertEquals(11 * 1e9 / s.decodeNanos(), s.genTps(), 1e-6);
            assertEquals("max_tokens", s.stopReason());
        }
        JsonObject req = requests.getFirst();
        assertEquals("/v1/completions", paths.getFirst());
        assertEquals("fake-7b", req.get("model").getAsString());
        assertTrue(req.get("stream").getAsBoolean());
        assertEquals(0, req.get("temperature").getAsInt());
        assertEquals(12, req.get("max_tokens").getAsInt());
        assertTrue(req.get("ignore_eos").getAsBoolean());
        assertTrue(req.get("prompt").getAsString().startsWith("The lighthouse keeper"));
    }

    @Test
    void chatScenariosUseTheChatEndpoint() throws IOException {
        OpenAiTarget target = new OpenAiTarget(url() + "/v1#chosen-model", Duration.ofSeconds(10), false);
        try (Target.Loaded loaded = target.load(null)) {
            assertEquals("chosen-model", loaded.modelName());
            RunSample s = loaded.run(small(true), 1, 0);
            assertEquals(12, s.generatedTokens());
        }
        assertEquals("/v1/chat/completions", paths.getFirst());
        JsonObject req = requests.getFirst();
        assertEquals("system", req.getAsJsonArray("messages").get(0).getAsJsonObject().get("role").getAsString());
        assertEquals("user", req.getAsJsonArray("messages").get(1).getAsJsonObject().get("role").getAsString());
        assertTrue(!req.has("ignore_eos"));
    }

    @Test
    void inTheHarnessBesideOtherTargets() {
        OpenAiTarget target = new OpenAiTarget(url(), Duration.ofSeconds(10), false);
        List<BenchmarkResult> rs = new BenchmarkRunner(() -> List.of(target), BenchmarkRunner.Progress.NONE,
                () -> false).run(new BenchmarkRunner.Plan(List.of(small(false), Scenario.llamaBench("pp64")),
                List.of(), 2, 1, 1));
        assertEquals(2, rs.size());
        assertEquals(BenchmarkResult.Status.OK, rs.get(0).status(), rs.get(0).message());
        assertEquals(2, rs.get(0).samples().size());
        assertTrue(rs.get(0).summary(Metric.TTFT_MS).mean() >= FIRST_MS);
        assertEquals(url(), rs.get(0).backend());
        assertEquals(BenchmarkResult.Status.UNSUPPORTED, rs.get(1).status());
        assertEquals(3, requests.size(), "warm-up + 2 runs");
    }

    @Test
    void badSpecsAndServerErrors() {
        assertThrows(IllegalArgumentException.class, () -> new OpenAiTarget("openai:localhost", Duration.ofSeconds(1), false));
        server.removeContext("/v1/completions");
        server.createContext("/v1/completions", ex -> reply(ex, 500, "{\"error\":\"boom\"}"));
        OpenAiTarget target = new OpenAiTarget(url(), Duration.ofSeconds(10), false);
        IOException e = assertThrows(IOException.class, () -> {
            try (Target.Loaded l = target.load(null)) {
                l.run(small(false), 1, 0);
            }
        });
        assertTrue(e.getMessage().contains("500") && e.getMessage().contains("boom"), e.getMessage());
    }
}
