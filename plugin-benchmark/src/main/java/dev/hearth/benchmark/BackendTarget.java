package dev.hearth.benchmark;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.concurrent.BrokenBarrierException;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.Supplier;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.backend.Support;
import dev.hearth.api.chat.ChatMessage;
import dev.hearth.api.device.DeviceInfo;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.GenerationStats;
import dev.hearth.api.session.LogitsConsumer;
import dev.hearth.api.session.Session;
import dev.hearth.api.session.TokenListener;

/**
 * A Hearth {@link Backend} service as a benchmark target. Text scenarios run through
 * {@link Session#generate} (greedy) and take their timings from its {@link GenerationStats}; ppN and tgN time
 * {@link Session#evaluate} here, with seeded random token ids and no tokenizer or sampling in the timed part.
 */
public final class BackendTarget implements Target {

    private final Backend backend;
    private final Supplier<? extends List<Backend>> live;
    private final LoadOptions options;

    /**
     * @param backend the service
     * @param live    the backends registered now (a live view of the dynamic reference); this target is alive while
     *                {@code backend} is among them (by identity)
     * @param options how to load models
     */
    public BackendTarget(Backend backend, Supplier<? extends List<Backend>> live, LoadOptions options) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.live = Objects.requireNonNull(live, "live");
        this.options = Objects.requireNonNull(options, "options");
    }

    public Backend backend() {
        return backend;
    }

    @Override
    public String id() {
        return backend.id();
    }

    @Override
    public String version() {
        return backend.version();
    }

    @Override
    public String deviceLabel() {
        return backend.device().label();
    }

    @Override
    public String gpu() {
        DeviceInfo d = backend.device();
        return d.type() == DeviceInfo.Type.GPU ? d.name() + (d.driver().isEmpty() ? "" : " (driver " + d.driver() + ")")
                : "";
    }

    @Override
    public boolean alive() {
        for (Backend b : live.get()) {
            if (b == backend) return true;
        }
        return false;
    }

    @Override
    public boolean servesOwnModel() {
        return false;
    }

    @Override
    public Support supports(ModelDescription model) {
        return backend.supports(model);
    }

    @Override
    public Loaded load(ModelDescription model) throws IOException {
        return new LoadedBackendModel(backend.load(model, options), model);
    }

    private static final class LoadedBackendModel implements Loaded {
        private final LoadedModel model;
        private final ModelDescription description;
        private volatile Session session;
        /** The further sessions of tgNxS scenarios, kept from run to run. */
        private final List<Session> extra = new ArrayList<>();
        private volatile boolean cancelled;

        LoadedBackendModel(LoadedModel model, ModelDescription description) {
            this.model = model;
            this.description = description;
        }

        @Override
        public String modelName() {
            return description.name();
        }

        @Override
        public String modelPath() {
            return String.valueOf(description.path());
        }

        @Override
        public boolean randomWeights() {
            return description.randomWeights();
        }

        @Override
        public RunSample run(Scenario scenario, int run, long seed) {
            Session s = session();
            return switch (scenario.kind()) {
                case TEXT -> text(s, scenario, run);
                case PP -> promptProcessing(s, scenario.promptTokens(), run, seed);
                case TG -> scenario.sessions() == 1 ? textGeneration(s, scenario.generate(), run, seed)
                        : concurrentGeneration(scenario.sessions(), scenario.generate(), run, seed);
            };
        }

        /** One session per loaded model, reused: generate starts from an empty cache, ppN and tgN reset it. */
        private Session session() {
            Session s = session;
            if (s == null) {
                s = model.newSession();
                session = s;
            }
            return s;
        }

        private RunSample text(Session s, Scenario scenario, int run) {
            GenerationRequest request;
            if (scenario.chat()) {
                if (model.chatTemplate().isEmpty()) {
                    throw new UnsupportedScenarioException("the model has no chat template");
                }
                List<ChatMessage> messages = new ArrayList<>();
                if (!scenario.system().isEmpty()) messages.add(ChatMessage.system(scenario.system()));
                messages.add(ChatMessage.user(scenario.prompt()));
                request = GenerationRequest.chat(messages, scenario.generate());
            } else {
                request = GenerationRequest.of(scenario.prompt(), scenario.generate());
            }
            GenerationResult result = s.generate(request, TokenListener.IGNORE);
            GenerationStats st = result.stats();
            return new RunSample(run, st.promptTokens(), st.generatedTokens(), st.promptNanos(),
                    st.generatedTokens() == 0 ? -1 : st.ttftNanos(), st.tokenNanos(),
                    Math.max(0, st.generatedTokens() - 1), st.generationNanos(), st.totalNanos(),
                    peakRss(st), st.deviceMemoryBytes(), st.stopReason().name().toLowerCase(java.util.Locale.ROOT));
        }

        private long peakRss(GenerationStats st) {
            long measured = ProcessMemory.peakRssBytes();
            return measured >= 0 ? measured : (st.deviceMemoryBytes() < 0 ? st.peakMemoryBytes() : -1);
        }

        private RunSample promptProcessing(Session s, int n, int run, long seed) {
            checkFits(s, n, "pp");
            int[] tokens = randomTokens(n, seed);
            s.reset();
            long t0 = System.nanoTime();
            s.evaluate(tokens, 0, n, Session.LogitsMode.LAST, LogitsConsumer.IGNORE);
            long nanos = System.nanoTime() - t0;
            return new RunSample(run, n, 0, nanos, -1, new long[0], 0, 0, nanos, ProcessMemory.peakRssBytes(), -1,
                    "pp");
        }

        private RunSample textGeneration(Session s, int n, int run, long seed) {
            checkFits(s, n, "tg");
            int[] tokens = randomTokens(n, seed);
            long[] tokenNanos = new long[n];
            s.reset();
            long start = System.nanoTime();
            long last = start;
            for (int i = 0; i < n; i++) {
                if (cancelled) {
                    return new RunSample(run, 0, 0, 0, -1, new long[0], 0, 0, System.nanoTime() - start, -1, -1,
                            "cancelled");
                }
                s.evaluate(tokens, i, i + 1, Session.LogitsMode.LAST, LogitsConsumer.IGNORE);
                long now = System.nanoTime();
                tokenNanos[i] = now - last;
                last = now;
            }
            long total = last - start;
            return new RunSample(run, 0, n, 0, tokenNanos[0], tokenNanos, n, total, total,
                    ProcessMemory.peakRssBytes(), -1, "tg");
        }

        /**
         * tgNxS: S sessions each run tgN at once, one thread each, started together; tokens counted over all of
         * them against the wall time from the start to the last one's end. Time to first token is the slowest
         * session's first step.
         */
        private RunSample concurrentGeneration(int sessions, int n, int run, long seed) {
            while (extra.size() < sessions - 1) extra.add(model.newSession());
            List<Session> all = new ArrayList<>();
            all.add(session());
            all.addAll(extra.subList(0, sessions - 1));
            checkFits(all.get(0), n, "tg");
            CyclicBarrier start = new CyclicBarrier(sessions + 1);
            long[] begin = new long[sessions];
            long[] firstStep = new long[sessions];
            long[] end = new long[sessions];
            List<Future<?>> done = new ArrayList<>();
            try (ExecutorService threads = Executors.newFixedThreadPool(sessions)) {
                for (int i = 0; i < sessions; i++) {
                    int index = i;
                    Session s = all.get(i);
                    int[] tokens = randomTokens(n, seed + i);
                    done.add(threads.submit(() -> {
                        s.reset();
                        start.await();
                        long t0 = System.nanoTime();
                        begin[index] = t0;
                        try {
                            for (int k = 0; k < n && !cancelled; k++) {
                                s.evaluate(tokens, k, k + 1, Session.LogitsMode.LAST, LogitsConsumer.IGNORE);
                                if (k == 0) firstStep[index] = System.nanoTime() - t0;
                            }
                        } catch (CancellationException e) {
                            // cancel() was called: the sample below says so
                        }
                        end[index] = System.nanoTime();
                        return null;
                    }));
                }
                try {
                    start.await();
                    for (Future<?> f : done) f.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted", e);
                } catch (BrokenBarrierException | ExecutionException e) {
                    Throwable cause = e.getCause() == null ? e : e.getCause();
                    if (cause instanceof RuntimeException re) throw re;
                    throw new IllegalStateException(cause);
                }
                long t0 = Arrays.stream(begin).min().orElseThrow();
                if (cancelled) {
                    return new RunSample(run, 0, 0, 0, -1, new long[0], 0, 0, System.nanoTime() - t0, -1, -1,
                            "cancelled");
                }
                long wall = Arrays.stream(end).max().orElseThrow() - t0;
                long ttft = Arrays.stream(firstStep).max().orElseThrow();
                int tokens = sessions * n;
                return new RunSample(run, 0, tokens, 0, ttft, new long[0], tokens, wall, wall,
                        ProcessMemory.peakRssBytes(), -1, "tg");
            }
        }

        private void checkFits(Session s, int n, String what) {
            if (n > s.contextLength()) {
                throw new UnsupportedScenarioException(what + n + " needs " + n + " tokens of context, the session has "
                        + s.contextLength());
            }
        }

        private int[] randomTokens(int n, long seed) {
            int vocab = model.tokenizer().vocabSize();
            SplittableRandom r = new SplittableRandom(seed);
            int[] t = new int[n];
            for (int i = 0; i < n; i++) t[i] = r.nextInt(vocab);
            return t;
        }

        @Override
        public void cancel() {
            cancelled = true;
            Session s = session;
            if (s != null) s.cancel();
        }

        @Override
        public void close() {
            try {
                Session s = session;
                session = null;
                if (s != null) s.close();
                extra.forEach(Session::close);
                extra.clear();
            } finally {
                model.close();
            }
        }
    }
}
