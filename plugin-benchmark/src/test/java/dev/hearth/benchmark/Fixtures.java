package dev.hearth.benchmark;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;

/** Shared test set-up: live backend lists, small plans, a report. */
final class Fixtures {

    private Fixtures() {}

    static List<Backend> live(Backend... bs) {
        return new CopyOnWriteArrayList<>(List.of(bs));
    }

    /** Targets for every backend in the live list now, each alive while it stays in the list. */
    static List<Target> targets(List<Backend> live) {
        List<Target> ts = new ArrayList<>();
        for (Backend b : live) ts.add(new BackendTarget(b, () -> live, LoadOptions.defaults()));
        return ts;
    }

    /** short (16 tokens generated), pp32, tg16. */
    static List<Scenario> smallScenarios() {
        Scenario shortOne = Scenarios.shipped().get("short");
        Scenario short16 = new Scenario("short", Scenario.Kind.TEXT, shortOne.description(), shortOne.prompt(),
                shortOne.system(), shortOne.promptTokens(), 16, false);
        return List.of(short16, Scenario.llamaBench("pp32"), Scenario.llamaBench("tg16"));
    }

    static BenchmarkRunner.Plan plan(List<Scenario> scenarios, int runs) {
        return new BenchmarkRunner.Plan(scenarios, List.of(MatmulBackend.model("tiny", true)), runs, 1, 7);
    }

    static Environment environment() {
        return Environment.capture(Path.of("."), List.of(), Map.of("a", "1"));
    }

    /**
     * A measured report of two matmul backends of different speeds: about 30 times the work a token apart, so that
     * JIT warm-up and a busy machine cannot swap them (at 96 x 3 against 32 x 1, about 4 times, a CI run once measured
     * the slow one faster).
     */
    static BenchmarkReport twoBackendReport() {
        List<Backend> live = live(new MatmulBackend("fast-cpu", 32, 1), new MatmulBackend("slow-cpu", 256, 6));
        BenchmarkRunner runner = new BenchmarkRunner(() -> targets(live), BenchmarkRunner.Progress.NONE, () -> false);
        List<BenchmarkResult> results = runner.run(plan(smallScenarios(), 3));
        return BenchmarkReport.of(environment(), 3, 1, 7, false, results, List.of());
    }
}
