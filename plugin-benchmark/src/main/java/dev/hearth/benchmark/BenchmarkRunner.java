package dev.hearth.benchmark;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import dev.hearth.api.backend.Support;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.ContextOverflowException;

/**
 * Runs every scenario on every target and model: load (timed), then per scenario {@code warmup} unreported
 * repetitions and {@code runs} measured ones.
 *
 * <p>Targets are taken from the supplier when {@link #run} starts, so a backend installed since the last run is
 * measured. A target that is no longer {@link Target#alive() alive}, or whose calls fail with
 * {@link IllegalStateException} (what a stopped service throws), is reported {@link BenchmarkResult.Status#GONE}
 * for what it had left, and the run carries on with the others. When {@code cancelled} turns true the current
 * repetition is abandoned (its partial sample dropped) and the results measured so far are returned.
 */
public final class BenchmarkRunner {

    /**
     * What to run.
     *
     * @param scenarios in order
     * @param models    the models to load on each target that does not serve its own
     * @param runs      measured repetitions per scenario (at least 1)
     * @param warmup    unreported repetitions before them
     * @param seed      seed of ppN / tgN token ids
     */
    public record Plan(List<Scenario> scenarios, List<ModelDescription> models, int runs, int warmup, long seed) {
        public Plan {
            scenarios = List.copyOf(scenarios);
            models = List.copyOf(models);
            if (runs < 1) throw new IllegalArgumentException("runs must be >= 1, was " + runs);
            if (warmup < 0) throw new IllegalArgumentException("warm-up runs must be >= 0, was " + warmup);
        }
    }

    /** Hears what the runner is doing, for a progress bar. */
    public interface Progress {
        /** The run starts with this many repetitions to do (warm-ups included). */
        void start(long steps);

        /** A repetition is about to run (or was skipped); {@code label} says which. */
        void step(String label);

        /** Something the user should read (a backend gone, a model unsupported). */
        void note(String line);

        void finish();

        Progress NONE = new Progress() {
            @Override public void start(long steps) { }
            @Override public void step(String label) { }
            @Override public void note(String line) { }
            @Override public void finish() { }
        };
    }

    private final Supplier<? extends List<? extends Target>> targets;
    private final Progress progress;
    private final BooleanSupplier cancelled;

    public BenchmarkRunner(Supplier<? extends List<? extends Target>> targets, Progress progress,
                           BooleanSupplier cancelled) {
        this.targets = Objects.requireNonNull(targets, "targets");
        this.progress = Objects.requireNonNull(progress, "progress");
        this.cancelled = Objects.requireNonNull(cancelled, "cancelled");
    }

    /** Runs the plan; never throws for a backend's failure, which becomes a result. */
    public List<BenchmarkResult> run(Plan plan) {
        List<? extends Target> snapshot = List.copyOf(targets.get());
        long steps = 0;
        for (Target t : snapshot) {
            steps += (long) (t.servesOwnModel() ? 1 : plan.models().size()) * plan.scenarios().size()
                    * (plan.runs() + plan.warmup());
        }
        progress.start(steps);
        List<BenchmarkResult> results = new ArrayList<>();
        try {
            for (Target t : snapshot) {
                List<ModelDescription> models = t.servesOwnModel() ? Collections.singletonList(null)
                        : plan.models();
                for (ModelDescription m : models) {
                    if (cancelled.getAsBoolean()) return results;
                    runModel(t, m, plan, results);
                }
            }
        } finally {
            progress.finish();
        }
        return results;
    }

    private void runModel(Target t, ModelDescription m, Plan plan, List<BenchmarkResult> out) {
        Skeleton sk = new Skeleton(t, m);
        if (!t.alive()) {
            skipAll(sk, plan, 0, BenchmarkResult.Status.GONE, "backend is no longer registered", out);
            return;
        }
        if (m != null) {
            Support support = t.supports(m);
            if (!support.supported()) {
                skipAll(sk, plan, 0, BenchmarkResult.Status.UNSUPPORTED, support.reason(), out);
                return;
            }
        }
        ProcessMemory.resetPeak();
        Target.Loaded loaded;
        long t0 = System.nanoTime();
        try {
            loaded = t.load(m);
        } catch (Exception e) {
            BenchmarkResult.Status st = classify(t, e);
            skipAll(sk, plan, 0, st, "load failed: " + describe(e), out);
            return;
        }
        sk.loadMs = (System.nanoTime() - t0) / 1e6;
        sk.loaded = loaded;
        try {
            for (int i = 0; i < plan.scenarios().size(); i++) {
                Scenario sc = plan.scenarios().get(i);
                BenchmarkResult r = runScenario(sk, sc, plan);
                out.add(r);
                if (r.status() == BenchmarkResult.Status.GONE) {
                    progress.note(t.id() + " is gone: " + r.message() + "; carrying on with the others");
                    skipAll(sk, plan, i + 1, BenchmarkResult.Status.GONE, r.message(), out);
                    return;
                }
                if (r.status() == BenchmarkResult.Status.CANCELLED) return;
                if (r.status() != BenchmarkResult.Status.OK) progress.note(r.key() + ": " + r.message());
            }
        } finally {
            closeQuietly(loaded);
        }
    }

    private BenchmarkResult runScenario(Skeleton sk, Scenario sc, Plan plan) {
        List<RunSample> samples = new ArrayList<>();
        int total = plan.warmup() + plan.runs();
        for (int i = 0; i < total; i++) {
            int run = i - plan.warmup() + 1; // warm-ups are run <= 0
            progress.step(sk.target.id() + " " + sc.name() + (run <= 0 ? " warm-up" : " run " + run));
            if (cancelled.getAsBoolean()) return sk.result(sc, BenchmarkResult.Status.CANCELLED, "stopped", samples);
            if (!sk.target.alive()) {
                return sk.result(sc, BenchmarkResult.Status.GONE, "backend is no longer registered", samples);
            }
            RunSample s;
            try (CancelWatch w = new CancelWatch(cancelled, sk.loaded)) {
                s = sk.loaded.run(sc, Math.max(run, 0), plan.seed());
            } catch (Target.UnsupportedScenarioException e) {
                return sk.result(sc, BenchmarkResult.Status.UNSUPPORTED, e.getMessage(), samples);
            } catch (Exception e) {
                return sk.result(sc, classify(sk.target, e), describe(e), samples);
            }
            if (cancelled.getAsBoolean() || "cancelled".equals(s.stopReason())) {
                return sk.result(sc, BenchmarkResult.Status.CANCELLED, "stopped", samples);
            }
            if (run > 0) samples.add(s);
        }
        return sk.result(sc, BenchmarkResult.Status.OK, "", samples);
    }

    /** GONE when the target went away or threw what a stopped service throws; FAILED otherwise. */
    static BenchmarkResult.Status classify(Target t, Throwable e) {
        if (!t.alive()) return BenchmarkResult.Status.GONE;
        if (e instanceof IllegalStateException && !(e instanceof ContextOverflowException)) {
            return BenchmarkResult.Status.GONE;
        }
        return BenchmarkResult.Status.FAILED;
    }

    private static String describe(Throwable e) {
        String m = e.getMessage();
        return e.getClass().getSimpleName() + (m == null || m.isEmpty() ? "" : ": " + m);
    }

    private void skipAll(Skeleton sk, Plan plan, int from, BenchmarkResult.Status st, String why,
                         List<BenchmarkResult> out) {
        for (int i = from; i < plan.scenarios().size(); i++) {
            Scenario sc = plan.scenarios().get(i);
            out.add(sk.result(sc, st, why, List.of()));
            for (int k = 0; k < plan.runs() + plan.warmup(); k++) progress.step(sk.target.id() + " " + sc.name());
        }
        if (from == 0) progress.note(sk.target.id() + (sk.model == null ? "" : " / " + sk.model.name()) + ": " + why);
    }

    private static void closeQuietly(Target.Loaded loaded) {
        try {
            loaded.close();
        } catch (RuntimeException e) {
            // a backend that went away may refuse to close what it already freed
        }
    }

    /** What every result of one target and model shares. */
    private static final class Skeleton {
        final Target target;
        final ModelDescription model;
        Target.Loaded loaded;
        double loadMs = Double.NaN;

        Skeleton(Target target, ModelDescription model) {
            this.target = target;
            this.model = model;
        }

        BenchmarkResult result(Scenario sc, BenchmarkResult.Status st, String why, List<RunSample> samples) {
            String name = loaded != null ? loaded.modelName() : model != null ? model.name() : "(server's model)";
            String path = loaded != null ? loaded.modelPath() : model != null ? String.valueOf(model.path()) : "";
            boolean random = loaded != null ? loaded.randomWeights() : model != null && model.randomWeights();
            return new BenchmarkResult(target.id(), target.version(), target.deviceLabel(), name, path, random,
                    sc.name(), st, why, loadMs, samples);
        }
    }

    /** Cancels the running repetition as soon as the user asks, from a virtual thread polling every 50 ms. */
    private static final class CancelWatch implements AutoCloseable {
        private final Thread thread;

        CancelWatch(BooleanSupplier cancelled, Target.Loaded loaded) {
            thread = Thread.ofVirtual().name("hearth-bench-cancel").start(() -> {
                try {
                    while (!cancelled.getAsBoolean()) Thread.sleep(50);
                    loaded.cancel();
                } catch (InterruptedException e) {
                    // the repetition finished first
                }
            });
        }

        @Override
        public void close() {
            thread.interrupt();
        }
    }
}
