package dev.hearth.host.server.http;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;

import dev.hearth.host.server.Settings;
import dev.hearth.host.server.metrics.Metrics;
import dev.hearth.host.server.openai.ApiError;
import dev.hearth.host.server.openai.RequestParser;
import dev.hearth.host.server.pool.AdmissionQueue;
import dev.hearth.host.server.pool.ModelPool;
import dev.hearth.host.server.store.ModelStore;

/**
 * The HTTP API of {@code hearth serve}, on the JDK's own HTTP server ({@code com.sun.net.httpserver}, module
 * jdk.httpserver) with one virtual thread per exchange:
 * <ul>
 *   <li>{@code GET /health}: {@code {"status":"ok"}}, never behind the API key, never queued;</li>
 *   <li>{@code GET /metrics}: Prometheus text;</li>
 *   <li>{@code GET /v1/models}, {@code GET /v1/models/NAME}: the models folder, OpenAI's shape;</li>
 *   <li>{@code POST /v1/completions}, {@code POST /v1/chat/completions}: generation (see {@link CompletionHandler});</li>
 *   <li>{@code GET /api/ps}: the loaded models ({@code hearth ps} reads it).</li>
 * </ul>
 * With an API key set, every path but {@code /health} needs {@code Authorization: Bearer KEY} (401 otherwise).
 * Errors are OpenAI's {@code {"error": {...}}} with a message and never a stack trace.
 */
public final class ApiServer implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("dev.hearth.host.server");
    static final String COMPLETIONS = "/v1/completions";
    static final String CHAT = "/v1/chat/completions";

    private final Settings settings;
    private final ModelStore store;
    private final ModelPool pool;
    private final AdmissionQueue admission;
    private final Metrics metrics;
    private final CompletionHandler completions;
    private final byte[] apiKey;
    private HttpServer server;
    private ExecutorService executor;
    private final ScheduledExecutorService reaper = Executors.newSingleThreadScheduledExecutor(r ->
            Thread.ofPlatform().daemon().name("hearth-model-reaper").unstarted(r));

    public ApiServer(Settings settings, ModelStore store, ModelPool pool, Metrics metrics) {
        this.settings = settings;
        this.store = store;
        this.pool = pool;
        this.metrics = metrics;
        this.admission = new AdmissionQueue(settings.parallel(), settings.queue());
        this.completions = new CompletionHandler(new RequestParser(new RequestParser.Limits(settings.maxPromptChars(),
                settings.defaultMaxTokens(), settings.maxTokensLimit())), store, admission, pool, metrics,
                settings.backend(), settings.maxBodyBytes(), TcpConnections.system());
        this.apiKey = settings.apiKey().getBytes(StandardCharsets.UTF_8);
    }

    /** Binds and starts serving; throws when the address is taken. */
    public synchronized void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(settings.bind(), settings.port()), 256);
        executor = Executors.newVirtualThreadPerTaskExecutor();
        server.setExecutor(executor);
        server.createContext("/", this::dispatch);
        server.start();
        long every = Math.max(1, Math.min(5, settings.idleTimeout().toSeconds() / 4));
        reaper.scheduleWithFixedDelay(this::unloadIdle, every, every, TimeUnit.SECONDS);
        reaper.scheduleWithFixedDelay(this::dropDisconnected, 500, 500, TimeUnit.MILLISECONDS);
        LOG.info("OpenAI-compatible API on http://" + settings.bind() + ":" + port() + "/v1 (models in "
                + store.dir() + (apiKey.length > 0 ? ", API key required" : "") + ")");
    }

    /** The port it listens on (the chosen one when configured as 0). */
    public synchronized int port() {
        return server == null ? -1 : server.getAddress().getPort();
    }

    private void unloadIdle() {
        try {
            pool.unloadIdle();
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "unloading idle models failed", e);
        }
    }

    private void dropDisconnected() {
        try {
            int n = completions.dropDisconnected();
            if (n > 0) LOG.fine(() -> n + " queued request(s) dropped: their clients went away");
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "looking for disconnected clients failed", e);
        }
    }

    private void dispatch(HttpExchange ex) {
        String path = ex.getRequestURI().getPath();
        String endpoint = endpoint(path);
        int status = 500;
        try (ex) {
            status = route(ex, path);
        } catch (ApiError e) {
            status = e.status();
            tryError(ex, e);
        } catch (IOException e) {
            LOG.log(Level.FINE, "I/O with the client failed: " + e.getMessage());
        } catch (RuntimeException | Error e) {
            LOG.log(Level.WARNING, "request " + ex.getRequestMethod() + " " + path + " failed", e);
            tryError(ex, new ApiError(500, "server_error", null, "internal error: " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : ": " + e.getMessage())));
        } finally {
            metrics.request(endpoint, status);
        }
    }

    private int route(HttpExchange ex, String path) throws IOException, ApiError {
        if (path.equals("/health")) return health(ex);
        if (!authorized(ex)) {
            ex.getResponseHeaders().set("WWW-Authenticate", "Bearer");
            throw new ApiError(401, "invalid_request_error", null, "missing or wrong API key: send "
                    + "'Authorization: Bearer <key>'");
        }
        String method = ex.getRequestMethod();
        switch (path) {
            case COMPLETIONS, CHAT -> {
                requireMethod(method, "POST");
                return completions.handle(ex, path.equals(CHAT));
            }
            case "/metrics" -> {
                requireMethod(method, "GET");
                Exchanges.send(ex, 200, "text/plain; version=0.0.4; charset=utf-8", metrics.render(this::gauges));
                return 200;
            }
            case "/v1/models" -> {
                requireMethod(method, "GET");
                Exchanges.json(ex, 200, models());
                return 200;
            }
            case "/api/ps" -> {
                requireMethod(method, "GET");
                Exchanges.json(ex, 200, ps());
                return 200;
            }
            default -> {
                if (path.startsWith("/v1/models/")) {
                    requireMethod(method, "GET");
                    Exchanges.json(ex, 200, model(path.substring("/v1/models/".length())));
                    return 200;
                }
                throw new ApiError(404, "invalid_request_error", null, "no such endpoint: " + method + " "
                        + (path.length() > 100 ? path.substring(0, 100) + "…" : path));
            }
        }
    }

    private int health(HttpExchange ex) throws IOException {
        JsonObject o = new JsonObject();
        o.addProperty("status", "ok");
        Exchanges.json(ex, 200, o);
        return 200;
    }

    private static void requireMethod(String method, String allowed) throws ApiError {
        if (!method.equals(allowed)) {
            throw new ApiError(405, "invalid_request_error", null, method + " is not allowed here; use " + allowed);
        }
    }

    private boolean authorized(HttpExchange ex) {
        if (apiKey.length == 0) return true;
        String h = ex.getRequestHeaders().getFirst("Authorization");
        if (h == null || !h.regionMatches(true, 0, "Bearer ", 0, 7)) return false;
        return MessageDigest.isEqual(apiKey, h.substring(7).strip().getBytes(StandardCharsets.UTF_8));
    }

    private static String endpoint(String path) {
        return switch (path) {
            case "/health", "/metrics", "/v1/models", COMPLETIONS, CHAT, "/api/ps" -> path;
            default -> path.startsWith("/v1/models/") ? "/v1/models/{model}" : "other";
        };
    }

    private Metrics.Gauges gauges() {
        return new Metrics.Gauges(admission.running(), admission.waiting(), pool.sessionsInUse(),
                pool.loaded().stream().map(i -> new Metrics.LoadedModelGauge(i.name(), i.backend(), i.sessionsInUse(),
                        i.weightBytes(), i.decodeBatching())).toList());
    }

    private JsonObject models() throws IOException {
        JsonArray data = new JsonArray();
        for (ModelStore.Entry e : store.list()) data.add(modelJson(e));
        JsonObject o = new JsonObject();
        o.addProperty("object", "list");
        o.add("data", data);
        return o;
    }

    private JsonObject model(String name) throws IOException, ApiError {
        try {
            return modelJson(store.find(name).orElseThrow(() -> new ApiError(404, "invalid_request_error", "model",
                    "model '" + name + "' is not in the models folder")));
        } catch (IllegalArgumentException e) {
            throw ApiError.invalid("model", e.getMessage());
        }
    }

    private JsonObject modelJson(ModelStore.Entry e) throws IOException {
        JsonObject m = new JsonObject();
        m.addProperty("id", e.name());
        m.addProperty("object", "model");
        m.addProperty("created", Files.getLastModifiedTime(e.path()).toMillis() / 1000);
        m.addProperty("owned_by", "hearth");
        m.addProperty("size_bytes", e.bytes());
        m.addProperty("loaded", pool.loaded().stream().anyMatch(i -> i.name().equals(e.name())));
        return m;
    }

    private JsonObject ps() {
        JsonArray data = new JsonArray();
        long idle = settings.idleTimeout().toNanos();
        for (ModelPool.Info i : pool.loaded()) {
            JsonObject m = new JsonObject();
            m.addProperty("name", i.name());
            m.addProperty("backend", i.backend());
            m.addProperty("device", i.device());
            m.addProperty("weight_bytes", i.weightBytes());
            m.addProperty("kv_cache_bytes", i.kvCacheBytes()); // estimated: KvCacheEstimate
            m.addProperty("sessions_in_use", i.sessionsInUse());
            m.addProperty("sessions_idle", i.sessionsIdle());
            m.addProperty("unloads_in_seconds", i.sessionsInUse() > 0 ? -1
                    : Math.max(0, (idle - i.idleNanos()) / 1_000_000_000L));
            data.add(m);
        }
        JsonObject o = new JsonObject();
        o.add("models", data);
        o.addProperty("requests_running", admission.running());
        o.addProperty("requests_queued", admission.waiting());
        return o;
    }

    private static void tryError(HttpExchange ex, ApiError e) {
        try {
            if (ex.getResponseCode() == -1) Exchanges.error(ex, e);
        } catch (IOException io) {
            LOG.log(Level.FINE, "could not send the error: " + io.getMessage());
        }
    }

    /** Stops accepting, cancels running generations, unloads every model. */
    @Override
    public synchronized void close() {
        reaper.shutdownNow();
        completions.cancelAll();
        if (server != null) {
            server.stop(1);
            server = null;
        }
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        pool.close();
    }
}
