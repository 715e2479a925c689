package dev.hearth.host.server.pool;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.DecodeBatching;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.device.DeviceInfo;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.Session;
import dev.hearth.host.server.metrics.Metrics;

/**
 * Models loaded on demand and the sessions made from them. {@link #acquire} hands out a {@link Lease}: a loaded model
 * and a session of its own (its own KV cache, never shared while leased). The first request for a model loads it on
 * the backend the request or the settings pin, else the best one that supports it; requests for the same model meanwhile
 * wait for that one load. A model with no lease for longer than the idle time is unloaded by {@link #unloadIdle};
 * before a load that would pass the memory budget, idle models are unloaded oldest first, and if it still does not
 * fit the request is refused with {@link ModelUnavailable.Reason#INSUFFICIENT_MEMORY}.
 *
 * <p>Memory budget: the configured limit when above 0 (all loaded models together), else what the machine still has
 * available ({@code MemAvailable}) for CPU backends and the device's memory less what is loaded on it for GPUs. A
 * model's need is its weights' bytes as described by its format plus one session's KV cache; every further session
 * checks its KV cache against the budget when it is made (idle models are unloaded for it too; if it still does not
 * fit: {@link ModelUnavailable.Reason#INSUFFICIENT_MEMORY}). A session's bytes are estimated from the description
 * ({@link KvCacheEstimate}): the API has no figure for them.
 */
public final class ModelPool implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger("dev.hearth.host.server");

    /** Describes a model and picks its backend, without loading weights. */
    @FunctionalInterface
    public interface Planner {
        /** @param backendId the pinned backend, or null for the best one; throws {@link ModelUnavailable} */
        Plan plan(Path path, String backendId) throws IOException, ModelUnavailable;
    }

    /** A model ready to load on a backend. */
    public record Plan(ModelDescription description, Backend backend) {
        /** Bytes the weights need: the tensors as described, else the file's size. */
        public long bytes() {
            long sum = description.tensorTypes().stream().mapToLong(ModelDescription.TensorTypeStat::bytes).sum();
            if (sum > 0) return sum;
            try {
                return Files.isRegularFile(description.path()) ? Files.size(description.path()) : 0;
            } catch (IOException e) {
                return 0;
            }
        }
    }

    /** A loaded model as {@code hearth ps} and the metrics show it. */
    public record Info(String name, String backend, String device, long weightBytes, int sessionsInUse,
                       int sessionsIdle, long idleNanos, long kvCacheBytes, Optional<DecodeBatching> decodeBatching) {}

    private final Planner planner;
    private final Function<ModelDescription, LoadOptions> options;
    private final long memoryLimit;
    private final LongSupplier memoryAvailable;
    private final long idleNanos;
    private final int maxIdleSessions;
    private final Metrics metrics;
    private final List<Entry> entries = new ArrayList<>();
    private long reservedBytes;
    private boolean closed;

    /**
     * @param options         how to load a model (context length, threads, chat template for models without)
     * @param memoryLimit     bytes for all loaded models together; 0 for what the machine has available
     * @param memoryAvailable the machine's available memory in bytes (-1 unknown: no check)
     * @param idleNanos       how long an unused model stays loaded
     * @param maxIdleSessions sessions kept open per model for the next requests
     */
    public ModelPool(Planner planner, Function<ModelDescription, LoadOptions> options, long memoryLimit, LongSupplier memoryAvailable,
                     long idleNanos, int maxIdleSessions, Metrics metrics) {
        this.planner = Objects.requireNonNull(planner, "planner");
        this.options = Objects.requireNonNull(options, "options");
        this.memoryLimit = memoryLimit;
        this.memoryAvailable = memoryAvailable;
        this.idleNanos = idleNanos;
        this.maxIdleSessions = maxIdleSessions;
        this.metrics = metrics;
    }

    /** One model: loading, then loaded with its idle sessions. Guarded by the pool's lock. */
    private static final class Entry {
        final String name;
        final String pinned;
        final CompletableFuture<LoadedModel> loading = new CompletableFuture<>();
        final ArrayDeque<Session> idle = new ArrayDeque<>();
        LoadedModel model;
        /** The backend service it is loaded on (set before loading), so it goes when that service goes. */
        Backend backend;
        String device = "";
        DeviceInfo deviceInfo;
        long bytes;
        /** Estimated KV cache of one session, and the sessions open (leased or idle). */
        long sessionBytes;
        int sessions;
        int inUse;
        long lastUsed = System.nanoTime();
        boolean unloaded;

        Entry(String name, String pinned) {
            this.name = name;
            this.pinned = pinned;
        }
    }

    /** A model and a session of its own; {@link #close()} gives the session back. */
    public final class Lease implements AutoCloseable {
        private final Entry entry;
        private final LoadedModel model;
        private final Session session;
        private final long loadNanos;
        private boolean closed;

        private Lease(Entry entry, LoadedModel model, Session session, long loadNanos) {
            this.entry = entry;
            this.model = model;
            this.session = session;
            this.loadNanos = loadNanos;
        }

        public LoadedModel model() {
            return model;
        }

        public Session session() {
            return session;
        }

        /** Nanoseconds this request spent loading the model (0 when it was loaded already). */
        public long loadNanos() {
            return loadNanos;
        }

        @Override
        public void close() {
            Session toClose = null;
            synchronized (ModelPool.this) {
                if (closed) return;
                closed = true;
                entry.inUse--;
                entry.lastUsed = System.nanoTime();
                if (entry.unloaded || entry.idle.size() >= maxIdleSessions) {
                    toClose = session;
                    entry.sessions--;
                } else {
                    entry.idle.push(session);
                }
                if (entry.unloaded && entry.inUse == 0) closeModel(entry);
            }
            if (toClose != null) closeQuietly(toClose);
        }
    }

    /**
     * A session of the model {@code name} (file or folder {@code path}), loading the model first if needed.
     *
     * @param backendId the backend the request pins, or null for the settings' pin or the best one
     */
    public Lease acquire(String name, Path path, String backendId) throws ModelUnavailable, InterruptedException {
        Entry e;
        boolean loader = false;
        synchronized (this) {
            if (closed) throw new ModelUnavailable(ModelUnavailable.Reason.CLOSED, "the server is shutting down");
            e = find(name, backendId);
            if (e == null) {
                e = new Entry(name, backendId);
                entries.add(e);
                loader = true;
            }
            e.inUse++;
        }
        long t0 = System.nanoTime();
        if (loader) load(e, path, backendId);
        LoadedModel model;
        try {
            model = e.loading.get();
        } catch (ExecutionException | CompletionException x) {
            release(e);
            if (x.getCause() instanceof ModelUnavailable mu) throw mu;
            throw new ModelUnavailable(ModelUnavailable.Reason.LOAD_FAILED, "loading " + name + " failed: "
                    + x.getCause().getMessage(), x.getCause());
        } catch (InterruptedException x) {
            release(e);
            throw x;
        }
        long loadNanos = loader ? System.nanoTime() - t0 : 0;
        Session session;
        synchronized (this) {
            session = e.idle.poll();
        }
        if (session == null) session = newSession(e, model);
        return new Lease(e, model, session, loadNanos);
    }

    /** A new session of {@code e}'s model once its KV cache fits the budget; releases {@code e} when it fails. */
    private Session newSession(Entry e, LoadedModel model) throws ModelUnavailable {
        long kv = e.sessionBytes;
        try {
            makeRoom("a session of " + e.name + " (KV cache)", kv, e.deviceInfo);
        } catch (ModelUnavailable x) {
            release(e);
            throw x;
        }
        try {
            Session s = model.newSession();
            synchronized (this) {
                e.sessions++;
            }
            return s;
        } catch (RuntimeException x) {
            release(e);
            throw new ModelUnavailable(ModelUnavailable.Reason.LOAD_FAILED, "no session for " + e.name + ": "
                    + x.getMessage(), x);
        } finally {
            synchronized (this) {
                reservedBytes -= kv;
            }
        }
    }

    private synchronized void release(Entry e) {
        e.inUse--;
        e.lastUsed = System.nanoTime();
        if (e.unloaded && e.inUse == 0) closeModel(e);
    }

    /** The entry serving {@code name} on {@code backendId} (any backend when null). */
    private Entry find(String name, String backendId) {
        for (Entry e : entries) {
            if (e.unloaded || !e.name.equals(name)) continue;
            if (backendId == null || backendId.equals(e.pinned)
                    || (e.model != null && backendId.equals(e.model.backendId()))) return e;
        }
        return null;
    }

    /** Loads {@code e}'s model and completes its future either way; the waiting requests see the outcome. */
    private void load(Entry e, Path path, String backendId) {
        long need = 0;
        boolean reserved = false;
        try {
            Plan plan = planner.plan(path, backendId);
            synchronized (this) {
                e.backend = plan.backend();
            }
            LoadOptions opts = options.apply(plan.description());
            long kv = KvCacheEstimate.bytes(plan.description(), opts.contextLength() > 0 ? opts.contextLength()
                    : plan.description().contextLength());
            need = plan.bytes() + kv; // the weights and the first session
            makeRoom(e.name, need, plan.backend().device());
            reserved = true;
            long t0 = System.nanoTime();
            LoadedModel m = plan.backend().load(plan.description(), opts);
            metrics.modelLoaded((System.nanoTime() - t0) / 1e9);
            LOG.info(() -> "loaded " + e.name + " on " + m.backendId() + " in " + (System.nanoTime() - t0) / 1_000_000
                    + " ms");
            synchronized (this) {
                reservedBytes -= need;
                reserved = false;
                e.model = m;
                e.sessionBytes = KvCacheEstimate.bytes(plan.description(), m.contextLength());
                e.bytes = Math.max(m.weightBytes(), need - kv);
                e.device = plan.backend().device().label();
                e.deviceInfo = plan.backend().device();
                e.lastUsed = System.nanoTime();
            }
            e.loading.complete(m);
        } catch (ModelUnavailable | IOException | RuntimeException | Error x) {
            synchronized (this) {
                if (reserved) reservedBytes -= need;
                entries.remove(e);
                e.unloaded = true;
            }
            ModelUnavailable mu = x instanceof ModelUnavailable u ? u
                    : new ModelUnavailable(ModelUnavailable.Reason.LOAD_FAILED, "loading " + e.name + " failed: "
                            + x.getMessage(), x);
            metrics.loadFailed(mu.reason().name().toLowerCase(java.util.Locale.ROOT));
            LOG.log(Level.WARNING, mu.getMessage());
            e.loading.completeExceptionally(mu);
        }
    }

    /** Reserves {@code need} bytes, unloading idle models oldest first; refuses when it cannot. */
    private synchronized void makeRoom(String what, long need, DeviceInfo device) throws ModelUnavailable {
        while (true) {
            long room = room(device);
            if (room < 0 || need <= room) {
                reservedBytes += need;
                return;
            }
            Entry victim = entries.stream().filter(x -> x.model != null && x.inUse == 0 && !x.unloaded)
                    .min(Comparator.comparingLong(x -> x.lastUsed)).orElse(null);
            if (victim == null) {
                throw new ModelUnavailable(ModelUnavailable.Reason.INSUFFICIENT_MEMORY, String.format(
                        java.util.Locale.ROOT, "not enough memory for %s: it needs %.1f MiB, %.1f MiB are "
                                + "available%s (loaded: %s)", what, need / 1048576.0, Math.max(room, 0) / 1048576.0,
                        memoryLimit > 0 ? " under hearth.serve.memory-limit" : " on " + device.label(),
                        entries.stream().filter(x -> x.model != null).map(x -> x.name + (x.inUse > 0 ? " (busy)"
                                : "")).toList()));
            }
            LOG.info(() -> "unloading idle " + victim.name + " to make room for " + what);
            unload(victim);
        }
    }

    /** Bytes still free under the budget for {@code device}; -1 when unknown (no check). */
    private long room(DeviceInfo device) {
        long loaded = reservedBytes;
        for (Entry e : entries) {
            if (e.model != null && !e.unloaded
                    && (memoryLimit > 0 || device.type() != DeviceInfo.Type.GPU || e.device.equals(device.label()))) {
                loaded += e.bytes + e.sessions * e.sessionBytes;
            }
        }
        if (memoryLimit > 0) return memoryLimit - loaded;
        if (device.type() == DeviceInfo.Type.GPU) {
            return device.memoryTotal() > 0 ? device.memoryTotal() - loaded : -1;
        }
        long available = memoryAvailable.getAsLong();
        return available < 0 ? -1 : available - reservedBytes;
    }

    /** Unloads every model unused for longer than the idle time; returns how many. */
    public int unloadIdle() {
        List<Entry> idle;
        synchronized (this) {
            long now = System.nanoTime();
            idle = entries.stream().filter(e -> e.model != null && e.inUse == 0 && now - e.lastUsed >= idleNanos)
                    .toList();
            idle.forEach(this::unload);
        }
        idle.forEach(e -> LOG.info(() -> "unloaded " + e.name + " (idle)"));
        return idle.size();
    }

    /**
     * Unloads the models loaded on {@code backend}, whose service went away (its bundle stopped or was refreshed to
     * rewire it); the next request loads them on the backend that is there then. Returns how many.
     */
    public int unloadBackend(Backend backend) {
        List<Entry> gone;
        synchronized (this) {
            gone = entries.stream().filter(e -> e.backend == backend).toList();
            gone.forEach(this::unload);
        }
        gone.forEach(e -> LOG.info(() -> "unloaded " + e.name + ": its backend " + backend.id() + " went away"));
        return gone.size();
    }

    /** Marks {@code e} unloaded; closes it now when nothing uses it, else when its last lease ends. */
    private void unload(Entry e) {
        e.unloaded = true;
        entries.remove(e);
        if (e.inUse == 0) closeModel(e);
    }

    private void closeModel(Entry e) {
        Session s;
        while ((s = e.idle.poll()) != null) closeQuietly(s);
        if (e.model != null) {
            try {
                e.model.close();
            } catch (RuntimeException x) {
                LOG.log(Level.WARNING, "closing " + e.name + " failed: " + x.getMessage(), x);
            }
            e.model = null;
            e.sessions = 0;
            metrics.modelUnloaded();
        }
    }

    /** The loaded models, by name. */
    public synchronized List<Info> loaded() {
        long now = System.nanoTime();
        return entries.stream().filter(e -> e.model != null)
                .map(e -> new Info(e.name, e.model.backendId(), e.device, e.bytes, e.inUse, e.idle.size(),
                        e.inUse > 0 ? 0 : now - e.lastUsed, e.sessions * e.sessionBytes, e.model.decodeBatching()))
                .sorted(Comparator.comparing(Info::name)).toList();
    }

    /** Sessions leased now, over all models. */
    public synchronized int sessionsInUse() {
        return entries.stream().mapToInt(e -> e.model == null ? 0 : e.inUse).sum();
    }

    /** Unloads everything; leases still out close their model when they end. */
    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            List.copyOf(entries).forEach(this::unload);
        }
    }

    private static void closeQuietly(Session s) {
        try {
            s.close();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "closing a session failed", e);
        }
    }
}
