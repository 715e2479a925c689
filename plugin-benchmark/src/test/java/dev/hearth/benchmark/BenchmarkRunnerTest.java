package dev.hearth.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import dev.hearth.api.backend.Backend;

import org.junit.jupiter.api.Test;

class BenchmarkRunnerTest {

    private static List<BenchmarkResult> of(List<BenchmarkResult> rs, String backend) {
        return rs.stream().filter(r -> r.backend().equals(backend)).toList();
    }

    @Test
    void measuredNumbersArePlausible() {
        List<Backend> live = Fixtures.live(new MatmulBackend("cpu-a", 64, 2));
        List<BenchmarkResult> rs = new BenchmarkRunner(() -> Fixtures.targets(live), BenchmarkRunner.Progress.NONE,
                () -> false).run(Fixtures.plan(Fixtures.smallScenarios(), 3));
        assertEquals(3, rs.size());
        for (BenchmarkResult r : rs) {
            assertEquals(BenchmarkResult.Status.OK, r.status(), r.message());
            assertEquals(3, r.samples().size());
            assertTrue(r.loadMs() >= 0);
            assertEquals(List.of(1, 2, 3), r.samples().stream().map(RunSample::run).toList());
        }
        int promptWords = new MatmulBackend.WordTokenizer().encode(Fixtures.smallScenarios().get(0).prompt(), true,
                false).length;
        for (RunSample s : rs.get(0).samples()) { // short: text through generate
            assertEquals(promptWords, s.promptTokens());
            assertEquals(16, s.generatedTokens()); // no EOS from this backend
            assertEquals(15, s.decodeTokens());
            long sumTokens = Arrays.stream(s.tokenNanos()).sum();
            assertTrue(s.ttftNanos() > 0 && s.ttftNanos() <= s.totalNanos());
            assertTrue(s.promptNanos() > 0 && s.promptNanos() <= s.ttftNanos());
            assertTrue(sumTokens <= s.totalNanos());
            assertEquals(sumTokens - s.tokenNanos()[0], s.decodeNanos());
            // tokens per second is decode steps over their time
            assertEquals(15 * 1e9 / s.decodeNanos(), s.genTps(), 1e-6);
            assertEquals(s.decodeNanos() / 1e6 / 15, s.tptMs(), 1e-9);
            assertTrue(s.peakRssBytes() > 0, "VmHWM on Linux");
        }
        RunSample pp = rs.get(1).samples().getFirst();
        assertEquals(32, pp.promptTokens());
        assertEquals(32 * 1e9 / pp.promptNanos(), pp.promptTps(), 1e-6);
        RunSample tg = rs.get(2).samples().getFirst();
        assertEquals(16, tg.generatedTokens());
        assertEquals(Arrays.stream(tg.tokenNanos()).sum(), tg.decodeNanos());
        assertEquals(16 * 1e9 / tg.decodeNanos(), tg.genTps(), 1e-6);
        // more work per token is slower: a sanity check that the timings measure the work
        List<Backend> heavy = Fixtures.live(new MatmulBackend("heavy", 256, 8));
        double heavyTg = new BenchmarkRunner(() -> Fixtures.targets(heavy), BenchmarkRunner.Progress.NONE,
                () -> false).run(Fixtures.plan(List.of(Scenario.llamaBench("tg16")), 3)).getFirst()
                .summary(Metric.GEN_TPS).mean();
        assertTrue(heavyTg < rs.get(2).summary(Metric.GEN_TPS).mean(), heavyTg + " vs light");
    }

    @Test
    void concurrentGenerationCountsEverySessionsTokensOverTheWallTime() {
        List<Backend> live = Fixtures.live(new MatmulBackend("m", 64, 2));
        RunSample s = new BenchmarkRunner(() -> Fixtures.targets(live), BenchmarkRunner.Progress.NONE, () -> false)
                .run(Fixtures.plan(List.of(Scenario.llamaBench("tg16x3")), 2)).getFirst().samples().getFirst();
        assertEquals(48, s.generatedTokens(), "3 sessions x 16 tokens");
        assertEquals(48, s.decodeTokens());
        assertEquals(s.decodeNanos(), s.totalNanos(), "wall time from the common start to the last session's end");
        assertEquals(48 * 1e9 / s.decodeNanos(), s.genTps(), 1e-6);
        assertTrue(s.ttftNanos() > 0 && s.ttftNanos() < s.decodeNanos(), "the slowest first step");
    }

    @Test
    void aBackendDisappearingMidRunIsReportedGoneAndTheRunCarriesOn() {
        List<Backend> live = Fixtures.live();
        live.add(new MatmulBackend("first", 32, 1));
        // one repetition of short is 16 evaluate calls (the prompt, then 15 single tokens): vanish during the
        // fourth repetition (run 3), after the warm-up and runs 1 and 2
        live.add(new VanishingBackend("vanishing", live, 3 * 16 + 5));
        live.add(new MatmulBackend("last", 32, 1));
        List<String> notes = new java.util.ArrayList<>();
        BenchmarkRunner.Progress progress = new BenchmarkRunner.Progress() {
            @Override public void start(long steps) { }
            @Override public void step(String label) { }
            @Override public void note(String line) { notes.add(line); }
            @Override public void finish() { }
        };
        List<Target> snapshot = Fixtures.targets(live);
        List<BenchmarkResult> rs = new BenchmarkRunner(() -> snapshot, progress, () -> false)
                .run(Fixtures.plan(Fixtures.smallScenarios(), 3));
        assertEquals(9, rs.size());
        assertTrue(of(rs, "first").stream().allMatch(r -> r.status() == BenchmarkResult.Status.OK));
        assertTrue(of(rs, "last").stream().allMatch(r -> r.status() == BenchmarkResult.Status.OK));
        List<BenchmarkResult> gone = of(rs, "vanishing");
        assertEquals(3, gone.size());
        assertTrue(gone.stream().allMatch(r -> r.status() == BenchmarkResult.Status.GONE), gone.toString());
        assertTrue(gone.getFirst().message().contains("gone"), gone.getFirst().message());
        assertEquals(2, gone.getFirst().samples().size(), "the runs that finished are kept");
        assertTrue(notes.stream().anyMatch(n -> n.contains("vanishing is gone")), notes.toString());
        assertTrue(live.stream().noneMatch(b -> b.id().equals("vanishing")));
    }

    @Test
    void aBackendInstalledBetweenRunsIsMeasuredByTheNextRun() {
        List<Backend> live = Fixtures.live(new MatmulBackend("old", 32, 1));
        BenchmarkRunner runner = new BenchmarkRunner(() -> Fixtures.targets(live), BenchmarkRunner.Progress.NONE,
                () -> false);
        List<Scenario> tg = List.of(Scenario.llamaBench("tg4"));
        assertEquals(List.of("old"), runner.run(Fixtures.plan(tg, 1)).stream().map(BenchmarkResult::backend).toList());
        live.add(new MatmulBackend("new", 32, 1));
        assertEquals(List.of("old", "new"),
                runner.run(Fixtures.plan(tg, 1)).stream().map(BenchmarkResult::backend).toList());
    }

    @Test
    void unsupportedModelsAndScenariosAreReportedWithTheReason() {
        List<Backend> live = Fixtures.live(new MatmulBackend("cpu", 32, 1));
        var gguf = new dev.hearth.api.model.ModelDescription(java.nio.file.Path.of("m.gguf"), "gguf", "llama", "m",
                1, "F16", List.of(), 512, new dev.hearth.api.model.ModelDescription.TokenizerInfo("llama", "", 10,
                java.util.Map.of()), java.util.Optional.empty(), java.util.Map.of());
        List<BenchmarkResult> rs = new BenchmarkRunner(() -> Fixtures.targets(live), BenchmarkRunner.Progress.NONE,
                () -> false).run(new BenchmarkRunner.Plan(List.of(Scenario.llamaBench("pp8"),
                Scenario.llamaBench("pp99999")), List.of(gguf, MatmulBackend.model("t", false)), 1, 0, 1));
        assertEquals(BenchmarkResult.Status.UNSUPPORTED, rs.get(0).status());
        assertTrue(rs.get(0).message().contains("only test models"));
        assertEquals(BenchmarkResult.Status.OK, rs.get(2).status());
        assertEquals(BenchmarkResult.Status.UNSUPPORTED, rs.get(3).status());
        assertTrue(rs.get(3).message().contains("context"), rs.get(3).message());
    }

    @Test
    void earlyEndOfGenerationIsReportedWithTheActualCount() {
        MatmulBackend b = new MatmulBackend("eos", 32, 1);
        b.eosAfter = 5;
        List<Backend> live = Fixtures.live(b);
        BenchmarkResult r = new BenchmarkRunner(() -> Fixtures.targets(live), BenchmarkRunner.Progress.NONE,
                () -> false).run(Fixtures.plan(List.of(Fixtures.smallScenarios().getFirst()), 2)).getFirst();
        assertEquals(6, r.samples().getFirst().generatedTokens());
        assertEquals("end_of_generation", r.samples().getFirst().stopReason());
    }

    @Test
    void cancellingStopsCleanlyAndKeepsWhatWasMeasured() {
        List<Backend> live = Fixtures.live(new MatmulBackend("a", 32, 1), new MatmulBackend("b", 32, 1));
        AtomicInteger steps = new AtomicInteger();
        BenchmarkRunner.Progress counting = new BenchmarkRunner.Progress() {
            @Override public void start(long n) { }
            @Override public void step(String label) { steps.incrementAndGet(); }
            @Override public void note(String line) { }
            @Override public void finish() { }
        };
        // cancelled once the fourth repetition is about to start: warm-up and runs 1, 2 of the first scenario done
        List<BenchmarkResult> rs = new BenchmarkRunner(() -> Fixtures.targets(live), counting,
                () -> steps.get() >= 4).run(Fixtures.plan(Fixtures.smallScenarios(), 3));
        assertEquals(1, rs.size());
        assertEquals(BenchmarkResult.Status.CANCELLED, rs.getFirst().status());
        assertEquals(2, rs.getFirst().samples().size());
    }
}
