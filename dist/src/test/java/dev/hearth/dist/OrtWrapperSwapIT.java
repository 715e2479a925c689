package dev.hearth.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.Attributes;
import java.util.jar.Manifest;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Swapping the ONNX Runtime wrapper of a running host (docs/onnxruntime.md, "Swapping the wrapper"). The real host
 * ({@code bin/hearth serve}) serves the TinyStories-656K SafeTensors folder on {@code safetensors-ort-cpu}; a second
 * wrapper, the shipped one under another symbolic name (the same CPU build of ONNX Runtime, so its natives are
 * interchangeable), is installed with {@code hearth plugin install} while the host runs, then removed with
 * {@code hearth plugin remove}. At each step the engine must be rewired to the wrapper now in use, say so in its log
 * lines (which name the bundle that defines the {@code ai.onnxruntime} classes it links), and a greedy completion
 * must still give Hugging Face transformers' text.
 */
class OrtWrapperSwapIT {
    private static final String MODEL = "tinystories-656k";
    private static final String SHIPPED = "dev.hearth.onnxruntime.cpu";
    private static final String COPY = "dev.hearth.test.onnxruntime";
    private static final String ENGINE = "dev.hearth.safetensors.ort";

    static Path work;
    static Path deploy;
    static Path log;
    static String reference;
    static int port;
    static Process server;
    static HttpClient http;

    @BeforeAll
    static void start() throws Exception {
        Path shared = Dist.shared("models/tinystories-656k/hf", "reference/hf-greedy.jsonl");
        Path hf = shared.resolve("models/tinystories-656k/hf");
        Path greedy = shared.resolve("reference/hf-greedy.jsonl");
        JsonObject first = JsonParser.parseString(Files.readAllLines(greedy).getFirst()).getAsJsonObject();
        assertEquals("Once upon a time", first.get("prompt").getAsString(), "the reference's first prompt");
        reference = first.get("text").getAsString();
        work = Files.createTempDirectory("hearth-ort-swap-it");
        deploy = Files.createDirectories(work.resolve("deploy"));
        Path models = Files.createDirectories(work.resolve("models"));
        Files.createSymbolicLink(models.resolve(MODEL), hf.toAbsolutePath());
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        log = work.resolve("serve.log");
        ProcessBuilder pb = new ProcessBuilder(Dist.home().resolve("bin/hearth").toString(), "serve")
                .directory(work.toFile()).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
        pb.environment().put("HEARTH_OPTS", "-Dhearth.dir.deploy=" + deploy + " -Dhearth.models.dir=" + models
                + " -Dhearth.serve.port=" + port + " -Dhearth.onnx.cache=" + work.resolve("onnx-cache")
                + " -Dhearth.dir.logs=" + work.resolve("logs") + " -Dhearth.service.timeout=5");
        server = pb.start();
        http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).connectTimeout(Duration.ofSeconds(5))
                .build();
        Dist.await(Duration.ofSeconds(60), OrtWrapperSwapIT::healthy, () -> "the server to answer /health:\n" + log());
    }

    @AfterAll
    static void stop() throws Exception {
        if (server != null) {
            server.destroy(); // SIGTERM: the host stops cleanly
            if (!server.waitFor(30, TimeUnit.SECONDS)) server.destroyForcibly();
        }
        if (work != null) {
            // the wrapper copy is 54 MB: leave nothing behind (the model link is removed, not followed)
            try (var files = Files.walk(work)) {
                for (Path p : files.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
            }
        }
    }

    @Test
    void installingAnotherWrapperRewiresTheEngineAndRemovingItRewiresItBack() throws Exception {
        // ---- the shipped wrapper ----
        Dist.await(Duration.ofSeconds(30), () -> log().contains("safetensors-ort-cpu: available"),
                () -> "the engine's provider probe\n" + log());
        assertTrue(line("safetensors-ort-cpu: available").contains("ONNX Runtime from " + SHIPPED + " "), log());
        String before = complete();
        assertTrue(before.length() > 40 && reference.startsWith(before), "transformers' greedy text\n  expected "
                + "a prefix of: " + reference + "\n  got: " + before);
        assertTrue(loadLine(0).contains("ONNX Runtime from " + SHIPPED), loadLine(0));

        // ---- install a second wrapper of the same build while the host runs ----
        Path copy = renamedWrapper();
        int mark = log().length();
        HearthRunner.Result installed = new HearthRunner(work, deploy).run("plugin", "install", copy.toString());
        assertEquals(0, installed.code(), installed.toString());
        Dist.await(Dist.PLUGIN_WAIT, () -> since(mark).contains("safetensors-ort-cpu: available"),
                () -> "the engine back after the swap\n" + since(mark));
        String swap = lineSince(mark, "hearth.replaceable=dev.hearth.onnxruntime");
        assertTrue(swap.contains(COPY + " ") && swap.contains("is now in use") && swap.contains("refreshing " + ENGINE),
                "one line naming the new wrapper and the refreshed engine: " + swap);
        assertTrue(lineSince(mark, "safetensors-ort-cpu: available").contains("ONNX Runtime from " + COPY + " "),
                "the backend re-registered from the new wrapper\n" + since(mark));
        assertTrue(since(mark).contains("unloaded " + MODEL + ": its backend safetensors-ort-cpu went away"),
                "the model loaded on the old engine is unloaded\n" + since(mark));
        assertFalse(since(mark).contains("restart the host"), "same build: no restart needed\n" + since(mark));
        assertEquals(before, complete(), "the same tokens through the new wrapper");
        assertTrue(loadLine(mark).contains("ONNX Runtime from " + COPY + " "), "loaded again, on the new wrapper: "
                + loadLine(mark));

        // ---- remove it: back to the shipped wrapper ----
        int mark2 = log().length();
        HearthRunner.Result removed = new HearthRunner(work, deploy).run("plugin", "remove", COPY);
        assertEquals(0, removed.code(), removed.toString());
        Dist.await(Dist.PLUGIN_WAIT, () -> since(mark2).contains("safetensors-ort-cpu: available"),
                () -> "the engine back after removing the wrapper\n" + since(mark2));
        String back = lineSince(mark2, "hearth.replaceable=dev.hearth.onnxruntime");
        assertTrue(back.contains(SHIPPED + " ") && back.contains("was uninstalled") && back.contains(ENGINE),
                "one line naming the shipped wrapper: " + back);
        assertTrue(lineSince(mark2, "safetensors-ort-cpu: available").contains("ONNX Runtime from " + SHIPPED + " "),
                since(mark2));
        assertEquals(before, complete(), "the same tokens through the shipped wrapper again");
        assertTrue(loadLine(mark2).contains("ONNX Runtime from " + SHIPPED + " "), loadLine(mark2));
        assertTrue(server.isAlive(), "the host kept running");
        assertFalse(log().contains("\tat "), "no stack trace\n" + log());
    }

    @Test
    void aWrapperInDeployAtStartIsTheOneTheEngineLoadsFromTheStart() throws Exception {
        // at start FileInstall installs deploy/ before any engine starts, so the engine never loads the shipped
        // wrapper's natives: that is what lets the CUDA wrapper work after the restart its swap asks for
        Path atStart = Files.createDirectories(work.resolve("at-start"));
        Path ownDeploy = Files.createDirectories(atStart.resolve("deploy"));
        Files.copy(renamedWrapper(), ownDeploy.resolve("onnxruntime-copy.jar"));
        HearthRunner.Result r = new HearthRunner(atStart, ownDeploy).run("--verbose", "backends");
        assertEquals(0, r.code(), r.toString());
        assertTrue(r.out().lines().anyMatch(l -> l.startsWith("safetensors-ort-cpu ")), r.toString());
        assertTrue(r.err().lines().anyMatch(l -> l.contains("safetensors-ort-cpu: available")
                && l.contains("ONNX Runtime from " + COPY + " ")), r.toString());
        assertFalse(r.err().contains("ONNX Runtime from " + SHIPPED + " "), "the shipped wrapper is never used\n" + r);
        assertFalse(r.err().contains("is now in use"), "resolved to it at once, no rewiring\n" + r);
    }

    /** The shipped wrapper jar with another symbolic name: byte for byte the same ONNX Runtime. */
    private static Path renamedWrapper() throws IOException {
        Path shipped;
        try (DirectoryStream<Path> ds = Files.newDirectoryStream(Dist.home().resolve("bundle"),
                "hearth-onnxruntime-cpu-*.jar")) {
            shipped = ds.iterator().next();
        }
        Path copy = work.resolve("onnxruntime-copy.jar");
        if (Files.exists(copy)) {
            return copy;
        }
        Files.copy(shipped, copy);
        // the zip file system rewrites only the manifest and copies the other entries as they are
        try (FileSystem jar = FileSystems.newFileSystem(copy, Map.of())) {
            Path mf = jar.getPath("META-INF/MANIFEST.MF");
            Manifest m;
            try (var in = Files.newInputStream(mf)) {
                m = new Manifest(in);
            }
            m.getMainAttributes().put(new Attributes.Name("Bundle-SymbolicName"), COPY);
            m.getMainAttributes().put(new Attributes.Name("Bundle-Name"), "ONNX Runtime (CPU), a copy for a test");
            try (var out = Files.newOutputStream(mf)) {
                m.write(out);
            }
        }
        return copy;
    }

    /** A greedy completion of the reference's first prompt. */
    private static String complete() throws IOException, InterruptedException {
        String body = "{\"model\":\"" + MODEL + "\",\"prompt\":\"Once upon a time\",\"max_tokens\":16,"
                + "\"temperature\":0,\"backend\":\"safetensors-ort-cpu\"}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/completions"))
                .timeout(Duration.ofSeconds(120)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)).build();
        HttpResponse<String> r = http.send(request, HttpResponse.BodyHandlers.ofString());
        // the engine logs "available" as it registers; serve may see the service a moment later on a loaded machine
        long end = System.nanoTime() + Dist.PLUGIN_WAIT.toNanos();
        while (r.statusCode() == 400 && r.body().contains("is not installed") && System.nanoTime() < end) {
            Thread.sleep(100);
            r = http.send(request, HttpResponse.BodyHandlers.ofString());
        }
        assertEquals(200, r.statusCode(), r.body() + "\n" + log());
        JsonObject o = JsonParser.parseString(r.body()).getAsJsonObject();
        assertEquals(16, o.getAsJsonObject("usage").get("completion_tokens").getAsInt(), r.body());
        return o.getAsJsonArray("choices").get(0).getAsJsonObject().get("text").getAsString();
    }

    private static String loadLine(int from) {
        return lineSince(from, MODEL + " runs on ONNX Runtime's cpu provider");
    }

    private static String line(String containing) {
        return lineSince(0, containing);
    }

    /** The last line after {@code from} that contains {@code containing}. */
    private static String lineSince(int from, String containing) {
        return since(from).lines().filter(l -> l.contains(containing)).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no line with '" + containing + "' in\n" + since(from)));
    }

    private static String since(int from) {
        String all = log();
        return all.substring(Math.min(from, all.length()));
    }

    private static boolean healthy() {
        try {
            return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/health"))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.ofString()).statusCode() == 200;
        } catch (IOException e) {
            assertTrue(server.isAlive(), "the server exited:\n" + log());
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    static String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "(no log)";
        }
    }
}
