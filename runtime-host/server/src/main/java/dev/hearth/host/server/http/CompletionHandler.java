package dev.hearth.host.server.http;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.util.HexFormat;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.logging.Level;
import java.util.logging.Logger;

import com.google.gson.JsonObject;
import com.sun.net.httpserver.HttpExchange;

import dev.hearth.api.session.ContextOverflowException;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.Session;
import dev.hearth.api.session.StopReason;
import dev.hearth.host.server.metrics.Metrics;
import dev.hearth.host.server.openai.ApiError;
import dev.hearth.host.server.openai.CompletionRequest;
import dev.hearth.host.server.openai.Json;
import dev.hearth.host.server.openai.RequestParser;
import dev.hearth.host.server.openai.Responses;
import dev.hearth.host.server.pool.AdmissionQueue;
import dev.hearth.host.server.pool.ModelPool;
import dev.hearth.host.server.pool.ModelUnavailable;
import dev.hearth.host.server.store.ModelStore;

/**
 * {@code POST /v1/completions} and {@code /v1/chat/completions}: parse and check the body, find the model by name,
 * take a place in the {@link AdmissionQueue} (429 when full), lease a session of the model from the
 * {@link ModelPool} (loading it on demand), generate, and answer as one JSON or as server-sent events.
 *
 * <p>Streaming: the response headers go out with the first event, so a request that fails before generating (a
 * prompt longer than the context) still gets a proper 4xx. Each token's text is one event, flushed at once; when a
 * write fails the client is gone, and the session is cancelled at the next token and given back. Each request
 * generates on its own session with its own KV cache and writes to its own exchange: nothing is shared between two
 * generations but the model's read-only weights.
 *
 * <p>Generation runs on a platform thread of its own while the exchange's virtual thread waits: it is CPU-bound and
 * never blocks, so on a virtual thread it would hold a carrier thread (there are as many as cores) for its whole run;
 * on a 2-core machine two generations starved every other exchange, {@code /health} and {@code /metrics} included, for
 * seconds, and requests could not even reach the queue. The admission queue bounds these threads to
 * {@code hearth.serve.parallel}.
 *
 * <p>Queued clients that hang up: the JDK server cannot see a connection close before it writes to it (see
 * {@link TcpConnections}), so the kernel's connection table is asked instead: {@link #dropDisconnected} (run every
 * half second while requests wait) drops the tickets whose client has closed, and a request that waited checks once
 * more when its turn comes, before it loads or generates anything. Either way the request ends without an answer,
 * counted in {@code hearth_client_disconnects_total} and {@code hearth_queue_dropped_total}.
 */
final class CompletionHandler {
    private static final Logger LOG = Logger.getLogger("dev.hearth.host.server");

    private final RequestParser parser;
    private final ModelStore store;
    private final AdmissionQueue admission;
    private final ModelPool pool;
    private final Metrics metrics;
    private final String pinnedBackend;
    private final int maxBody;
    private final TcpConnections connections;
    private final Set<Session> running = ConcurrentHashMap.newKeySet();
    private final ExecutorService generators = Executors.newThreadPerTaskExecutor(Thread.ofPlatform().daemon()
            .name("hearth-generate-", 0).factory());
    /** Tickets waiting for a slot, with the connection of their client. */
    private final Map<AdmissionQueue.Ticket, Peer> queued = new ConcurrentHashMap<>();

    /** A client's connection as the server sees it. */
    private record Peer(InetSocketAddress local, InetSocketAddress remote) {}

    CompletionHandler(RequestParser parser, ModelStore store, AdmissionQueue admission, ModelPool pool,
                      Metrics metrics, String pinnedBackend, int maxBody, TcpConnections connections) {
        this.parser = parser;
        this.store = store;
        this.admission = admission;
        this.pool = pool;
        this.metrics = metrics;
        this.pinnedBackend = pinnedBackend.isEmpty() ? null : pinnedBackend;
        this.maxBody = maxBody;
        this.connections = connections;
    }

    /** Handles one request; returns the HTTP status it answered with. */
    int handle(HttpExchange ex, boolean chat) throws IOException {
        long start = System.nanoTime();
        try {
            CompletionRequest r = parser.parse(chat, Json.parseObject(Exchanges.body(ex, maxBody)));
            ModelStore.Entry entry = find(r.model());
            AdmissionQueue.Ticket ticket;
            try {
                ticket = admission.enter();
            } catch (AdmissionQueue.Full full) {
                metrics.rejected();
                ex.getResponseHeaders().set("Retry-After", Integer.toString(full.retryAfterSeconds()));
                throw new ApiError(429, "rate_limit_error", null, full.getMessage());
            }
            try (ticket) {
                long queued = awaitTurn(ex, ticket);
                if (queued < 0) return dropped(ex);
                metrics.queueWait(queued / 1e9);
                String backend = r.backend() != null ? r.backend() : pinnedBackend;
                try (ModelPool.Lease lease = pool.acquire(entry.name(), entry.path(), backend)) {
                    if (chat && lease.model().chatTemplate().isEmpty()) {
                        throw ApiError.invalid("messages", "model '" + r.model() + "' has no chat template; use "
                                + "/v1/completions, or set hearth.serve.chat-template to a built-in template");
                    }
                    return generate(ex, r, lease, start, queued);
                }
            }
        } catch (ApiError e) {
            Exchanges.error(ex, e);
            return e.status();
        } catch (ModelUnavailable e) {
            ApiError a = switch (e.reason()) {
                case NOT_FOUND -> new ApiError(404, "invalid_request_error", "model", e.getMessage());
                case NOT_SUPPORTED -> new ApiError(400, "invalid_request_error", "model", e.getMessage());
                case INSUFFICIENT_MEMORY -> new ApiError(503, "insufficient_memory", "model", e.getMessage());
                case LOAD_FAILED -> new ApiError(500, "server_error", "model", e.getMessage());
                case CLOSED -> new ApiError(503, "server_error", null, e.getMessage());
            };
            Exchanges.error(ex, a);
            return a.status();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            Exchanges.error(ex, new ApiError(503, "server_error", null, "the server is shutting down"));
            return 503;
        } finally {
            metrics.duration((System.nanoTime() - start) / 1e9);
        }
    }

    /**
     * Waits for the ticket's turn, visible to {@link #dropDisconnected} meanwhile; -1 when the client went away
     * before its turn (dropped while waiting, or found gone when the turn came after a wait).
     */
    private long awaitTurn(HttpExchange ex, AdmissionQueue.Ticket ticket) throws InterruptedException {
        Peer peer = new Peer(ex.getLocalAddress(), ex.getRemoteAddress());
        queued.put(ticket, peer);
        long waited;
        try {
            waited = ticket.awaitTurn();
        } catch (AdmissionQueue.Dropped d) {
            return -1;
        } finally {
            queued.remove(ticket);
        }
        boolean hadToWait = waited > 1_000_000; // not queued at all: it just arrived, no need to look
        return hadToWait && connections.peerClosed(peer.local(), peer.remote()) ? -1 : waited;
    }

    private int dropped(HttpExchange ex) {
        metrics.disconnected();
        metrics.queueDropped();
        LOG.fine("client went away while its request was queued; dropped without generating");
        ex.close();
        return 499; // nginx's "client closed request", for the metrics only
    }

    /** Drops the waiting tickets whose client has closed its connection; returns how many. */
    int dropDisconnected() {
        if (queued.isEmpty()) return 0;
        TcpConnections.Snapshot now = connections.snapshot();
        int n = 0;
        for (Map.Entry<AdmissionQueue.Ticket, Peer> e : queued.entrySet()) {
            if (now.peerClosed(e.getValue().local(), e.getValue().remote()) && e.getKey().drop()) n++;
        }
        return n;
    }

    private ModelStore.Entry find(String name) throws ApiError, IOException {
        Optional<ModelStore.Entry> e = store.find(name);
        if (e.isEmpty()) {
            throw new ApiError(404, "invalid_request_error", "model", "model '" + name + "' is not in the models "
                    + "folder (GET /v1/models lists them; 'hearth pull' adds one)");
        }
        return e.get();
    }

    private int generate(HttpExchange ex, CompletionRequest r, ModelPool.Lease lease, long start, long queued)
            throws IOException, ApiError {
        Session session = lease.session();
        String id = (r.chat() ? "chatcmpl-" : "cmpl-") + HexFormat.of().toHexDigits(ThreadLocalRandom.current()
                .nextLong());
        Responses responses = new Responses(id, r.chat(), r.model(), System.currentTimeMillis() / 1000);
        LazyStream stream = r.stream() ? new LazyStream(ex) : null;
        GenerationResult result;
        running.add(session);
        try {
            result = onPlatformThread(session, () -> session.generate(r.generation(), (tokenId, text) -> {
                if (stream == null || text.isEmpty()) return;
                if (!stream.started() && r.chat()) stream.event(Json.write(responses.roleChunk()));
                if (!stream.event(Json.write(responses.textChunk(text)))) session.cancel(); // the client is gone
            }));
        } catch (RuntimeException e) {
            if (stream != null && stream.started()) { // too late for a status code: an error event ends the stream
                LOG.log(Level.WARNING, "generation failed: " + e.getMessage(), e);
                stream.event(Json.write(streamError("generation failed: " + e.getMessage())));
                stream.close();
                return 500;
            }
            if (e instanceof ContextOverflowException) {
                throw ApiError.invalid(r.chat() ? "messages" : "prompt", "the prompt does not fit the context: "
                        + e.getMessage());
            }
            if (e instanceof IllegalArgumentException) throw ApiError.invalid(null, e.getMessage());
            throw e;
        } finally {
            running.remove(session);
        }
        var stats = result.stats();
        metrics.tokens(stats.promptTokens(), stats.generatedTokens());
        if (stats.generatedTokens() > 0) metrics.ttft((stats.ttftNanos() + queued) / 1e9);
        if (stream == null) {
            Exchanges.json(ex, 200, responses.complete(result.text(), stats.stopReason(), stats, queued,
                    lease.loadNanos()));
            return 200;
        }
        if (stream.broken() || stats.stopReason() == StopReason.CANCELLED) {
            metrics.disconnected();
            LOG.fine(() -> "client went away; generation cancelled after " + stats.generatedTokens() + " tokens");
            ex.close();
            return 499; // nginx's "client closed request", for the metrics only
        }
        if (!stream.started() && r.chat()) stream.event(Json.write(responses.roleChunk()));
        stream.event(Json.write(responses.finalChunk(stats.stopReason(), stats, queued, lease.loadNanos())));
        if (r.includeUsage()) stream.event(Json.write(responses.usageChunk(stats)));
        stream.done();
        stream.close();
        return 200;
    }

    /**
     * Runs {@code work} on a generation thread and waits for it. Interrupted (shutdown): cancels the session and still
     * waits, so that a session is never given back while it generates.
     */
    private GenerationResult onPlatformThread(Session session, Callable<GenerationResult> work) {
        Future<GenerationResult> f = generators.submit(work);
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return f.get();
                } catch (InterruptedException e) {
                    interrupted = true;
                    session.cancel();
                }
            }
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException x) throw x;
            if (e.getCause() instanceof Error x) throw x;
            throw new IllegalStateException(e.getCause());
        } finally {
            if (interrupted) Thread.currentThread().interrupt();
        }
    }

    /** Cancels every running generation and stops the generation threads when they end (shutdown). */
    void cancelAll() {
        running.forEach(Session::cancel);
        generators.shutdown();
    }

    /** An SSE stream whose headers go out with its first event. */
    private static final class LazyStream {
        private final HttpExchange ex;
        private SseWriter writer;
        private boolean failed;

        LazyStream(HttpExchange ex) {
            this.ex = ex;
        }

        boolean started() {
            return writer != null || failed;
        }

        boolean event(String data) {
            if (failed) return false;
            if (writer == null) {
                try {
                    ex.getResponseHeaders().set("Content-Type", "text/event-stream; charset=utf-8");
                    ex.getResponseHeaders().set("Cache-Control", "no-cache");
                    ex.sendResponseHeaders(200, 0); // chunked
                    writer = new SseWriter(ex.getResponseBody());
                } catch (IOException e) {
                    failed = true;
                    return false;
                }
            }
            return writer.event(data);
        }

        boolean done() {
            return event(SseWriter.DONE);
        }

        boolean broken() {
            return failed || (writer != null && writer.broken());
        }

        void close() {
            try (OutputStream out = ex.getResponseBody()) {
                out.flush();
            } catch (IOException e) {
                LOG.log(Level.FINE, "closing a stream", e);
            }
        }
    }

    /** The body of an error event sent after the stream has begun. */
    static JsonObject streamError(String message) {
        return Json.error("server_error", null, message);
    }
}
