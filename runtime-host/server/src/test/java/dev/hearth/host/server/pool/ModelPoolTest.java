package dev.hearth.host.server.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.backend.Support;
import dev.hearth.api.chat.ChatTemplate;
import dev.hearth.api.device.DeviceInfo;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.Session;
import dev.hearth.api.session.TokenListener;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.host.server.metrics.Metrics;
import org.junit.jupiter.api.Test;

class ModelPoolTest {
    static final long MIB = 1 << 20;
    final AtomicInteger loads = new AtomicInteger();
    final AtomicInteger closes = new AtomicInteger();

    static ModelDescription description(String name, long bytes) {
        return description(name, bytes, Map.of());
    }

    static ModelDescription description(String name, long bytes, Map<String, String> properties) {
        return new ModelDescription(Path.of("/models/" + name), "fake", "llama", name, 1,
                "F32", List.of(new ModelDescription.TensorTypeStat("F32", 1, bytes)), 64,
                new ModelDescription.TokenizerInfo("llama", "", 10, Map.of()), Optional.empty(), properties);
    }

    final Backend backend = new Backend() {
        public String id() { return "fake-cpu"; }
        public DeviceInfo device() { return new DeviceInfo(DeviceInfo.Type.CPU, 0, "cpu", 1, 0, 0, 0, ""); }
        public Set<String> formats() { return Set.of("fake"); }
        public String version() { return "1"; }
        public Support supports(ModelDescription m) { return Support.yes(); }
        public LoadedModel load(ModelDescription m, LoadOptions o) {
            loads.incrementAndGet();
            return new FakeModel(m);
        }
    };

    final class FakeModel implements LoadedModel {
        final ModelDescription d;
        FakeModel(ModelDescription d) { this.d = d; }
        public ModelDescription description() { return d; }
        public String backendId() { return "fake-cpu"; }
        public Tokenizer tokenizer() { throw new UnsupportedOperationException(); }
        public Optional<ChatTemplate> chatTemplate() { return Optional.empty(); }
        public int contextLength() { return 64; }
        public long weightBytes() { return d.tensorTypes().getFirst().bytes(); }
        public Session newSession() { return new FakeSession(); }
        public void close() { closes.incrementAndGet(); }
    }

    static final class FakeSession implements Session {
        public int contextLength() { return 64; }
        public int position() { return 0; }
        public void reset() { }
        public void evaluate(int[] t, int f, int to, LogitsMode m, dev.hearth.api.session.LogitsConsumer c) { }
        public GenerationResult generate(GenerationRequest r, TokenListener l) { throw new UnsupportedOperationException(); }
        public void cancel() { }
        public void close() { }
    }

    ModelPool pool(long limit, long idleNanos) {
        ModelPool.Planner planner = (path, id) -> new ModelPool.Plan(description(path.getFileName().toString(),
                path.getFileName().toString().startsWith("big") ? 800 * MIB : 300 * MIB), backend);
        return new ModelPool(planner, d -> LoadOptions.defaults(), limit, () -> -1, idleNanos, 4, new Metrics());
    }

    @Test
    void loadsOnceAndGivesEachLeaseItsOwnSession() throws Exception {
        ModelPool pool = pool(0, Long.MAX_VALUE);
        try (ModelPool.Lease a = pool.acquire("m", Path.of("m"), null);
             ModelPool.Lease b = pool.acquire("m", Path.of("m"), null)) {
            assertSame(a.model(), b.model());
            assertNotSame(a.session(), b.session());
            assertEquals(2, pool.sessionsInUse());
        }
        assertEquals(1, loads.get());
        assertEquals(0, pool.sessionsInUse());
        assertEquals(1, pool.loaded().size());
    }

    @Test
    void modelsOfABackendThatGoesAwayAreUnloadedAndLoadAgainOnTheNextRequest() throws Exception {
        ModelPool pool = pool(0, Long.MAX_VALUE);
        pool.acquire("idle", Path.of("idle"), null).close();
        ModelPool.Lease busy = pool.acquire("busy", Path.of("busy"), null);
        assertEquals(2, pool.unloadBackend(backend));
        assertTrue(pool.loaded().isEmpty(), "neither is offered any more");
        assertEquals(1, closes.get(), "the idle one is closed at once");
        busy.close();
        assertEquals(2, closes.get(), "the busy one when its lease ends");
        assertEquals(0, pool.unloadBackend(backend));
        pool.acquire("idle", Path.of("idle"), null).close();
        assertEquals(3, loads.get(), "loaded again on demand");
    }

    @Test
    void unloadsModelsIdleForLongerThanTheIdleTime() throws Exception {
        ModelPool pool = pool(0, 0);
        ModelPool.Lease lease = pool.acquire("m", Path.of("m"), null);
        assertEquals(0, pool.unloadIdle(), "a model in use stays");
        lease.close();
        assertEquals(1, pool.unloadIdle());
        assertEquals(1, closes.get());
        assertTrue(pool.loaded().isEmpty());
        pool.acquire("m", Path.of("m"), null).close();
        assertEquals(2, loads.get(), "loaded again on demand");
    }

    @Test
    void makesRoomByUnloadingIdleModelsAndRefusesWhenItCannot() throws Exception {
        ModelPool pool = pool(1024 * MIB, Long.MAX_VALUE);
        pool.acquire("a", Path.of("a"), null).close();
        try (ModelPool.Lease busy = pool.acquire("b", Path.of("b"), null)) {
            // 300 + 300 loaded, 800 more: a (idle) goes, b (busy) stays, still 300 + 800 > 1024
            ModelUnavailable e = assertThrows(ModelUnavailable.class, () -> pool.acquire("big", Path.of("big"), null));
            assertEquals(ModelUnavailable.Reason.INSUFFICIENT_MEMORY, e.reason());
            assertTrue(e.getMessage().contains("big") && e.getMessage().contains("b (busy)"), e.getMessage());
        }
        pool.acquire("big", Path.of("big"), null).close(); // b idle now: unloaded to make room
        assertEquals(List.of("big"), pool.loaded().stream().map(ModelPool.Info::name).toList());
    }

    @Test
    void eachSessionsKvCacheIsCountedAgainstTheBudget() throws Exception {
        // 16 layers x 4 KV heads of 64 x 64 positions x 2 x 4 bytes = 2 MiB per session, 300 MiB of weights
        Map<String, String> dims = Map.of("llama.block_count", "16", "llama.embedding_length", "512",
                "llama.attention.head_count", "8", "llama.attention.head_count_kv", "4");
        long kv = KvCacheEstimate.bytes(description("m", 0, dims), 64);
        assertEquals(2 * MIB, kv);
        ModelPool.Planner planner = (path, id) -> new ModelPool.Plan(description("m", 300 * MIB, dims), backend);
        ModelPool pool = new ModelPool(planner, d -> LoadOptions.defaults(), 300 * MIB + 3 * kv, () -> -1,
                Long.MAX_VALUE, 4, new Metrics());
        try (ModelPool.Lease a = pool.acquire("m", Path.of("m"), null);
             ModelPool.Lease b = pool.acquire("m", Path.of("m"), null);
             ModelPool.Lease c = pool.acquire("m", Path.of("m"), null)) {
            assertEquals(3 * kv, pool.loaded().getFirst().kvCacheBytes());
            ModelUnavailable e = assertThrows(ModelUnavailable.class, () -> pool.acquire("m", Path.of("m"), null));
            assertEquals(ModelUnavailable.Reason.INSUFFICIENT_MEMORY, e.reason());
            assertTrue(e.getMessage().contains("KV cache"), e.getMessage());
            assertEquals(3, pool.sessionsInUse(), "the refused request holds nothing");
        }
        try (ModelPool.Lease again = pool.acquire("m", Path.of("m"), null)) {
            assertEquals(3 * kv, pool.loaded().getFirst().kvCacheBytes(), "idle sessions are reused, not added");
        }
        ModelUnavailable tooSmall = assertThrows(ModelUnavailable.class, () -> new ModelPool(planner,
                d -> LoadOptions.defaults(), 300 * MIB + kv / 2, () -> -1, Long.MAX_VALUE, 4, new Metrics())
                .acquire("m", Path.of("m"), null));
        assertTrue(tooSmall.getMessage().contains("302.0 MiB"), "weights and one session: " + tooSmall.getMessage());
    }

    @Test
    void aFailedLoadIsReportedAndNotKept() {
        ModelPool pool = new ModelPool((p, id) -> {
            throw new ModelUnavailable(ModelUnavailable.Reason.NOT_SUPPORTED, "no backend runs it");
        }, d -> LoadOptions.defaults(), 0, () -> -1, 1, 1, new Metrics());
        ModelUnavailable e = assertThrows(ModelUnavailable.class, () -> pool.acquire("x", Path.of("x"), null));
        assertEquals(ModelUnavailable.Reason.NOT_SUPPORTED, e.reason());
        assertTrue(pool.loaded().isEmpty());
        assertEquals(0, pool.sessionsInUse());
    }
}
