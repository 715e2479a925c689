package dev.hearth.benchmark;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.model.ModelFormat;
import dev.hearth.api.model.VerificationReport;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.benchmark.cli.BenchCommand;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BenchCommandTest {

    /** Reads {@code *.test} files; their weights are random. */
    static final class TestFormat implements ModelFormat {
        @Override public String id() { return "test"; }
        @Override public boolean probe(Path path) { return path.toString().endsWith(".test"); }
        @Override public VerificationReport verify(Path path) { return new VerificationReport(path, "test", List.of()); }

        @Override
        public ModelDescription describe(Path path) {
            String name = path.getFileName().toString().replace(".test", "");
            ModelDescription m = MatmulBackend.model(name, true);
            return new ModelDescription(path, m.format(), m.architecture(), name, m.parameterCount(),
                    m.quantization(), m.tensorTypes(), m.contextLength(), m.tokenizer(), m.chatTemplate(),
                    m.properties());
        }

        @Override public String info(Path path) { return ""; }
        @Override public Tokenizer tokenizer(Path path) { return new MatmulBackend.WordTokenizer(); }
    }

    static final class Context implements CommandContext {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final PrintStream outStream = new PrintStream(out, true, StandardCharsets.UTF_8);
        final PrintStream errStream = new PrintStream(err, true, StandardCharsets.UTF_8);
        final Path dir;
        final AtomicBoolean cancelled = new AtomicBoolean();

        Context(Path dir) {
            this.dir = dir;
        }

        @Override public PrintStream out() { return outStream; }
        @Override public PrintStream err() { return errStream; }
        @Override public InputStream in() { return InputStream.nullInputStream(); }
        @Override public Path workingDirectory() { return dir; }
        @Override public boolean verbose() { return false; }
        @Override public Duration serviceTimeout() { return Duration.ofMillis(10); }
        @Override public <T> List<T> services(Class<T> type, String filter, Duration wait) { return List.of(); }
        @Override public boolean cancelled() { return cancelled.get(); }

        String outText() {
            return out.toString(StandardCharsets.UTF_8);
        }

        String errText() {
            return err.toString(StandardCharsets.UTF_8);
        }
    }

    private static BenchCommand command(List<Backend> live, Path defaultModel) {
        return new BenchCommand(() -> List.copyOf(live), () -> List.of(new TestFormat()), defaultModel);
    }

    @Test
    void runsEveryBackendAndWritesAllFourReports(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tiny.test"), "x");
        List<Backend> live = Fixtures.live(new MatmulBackend("cpu-a", 32, 1), new MatmulBackend("cpu-b", 48, 1));
        Context ctx = new Context(dir);
        int rc = command(live, dir.resolve("none.gguf")).execute(ctx, List.of("--model", "tiny.test",
                "--scenario", "pp16,tg8", "--scenario", "short:chat", "--runs", "2", "--out", "out", "--no-progress"));
        assertEquals(HearthCommand.OK, rc, ctx.errText());
        for (String f : List.of("bench.csv", "bench.json", "bench.md", "bench.html")) {
            assertTrue(Files.size(dir.resolve("out").resolve(f)) > 0, f);
        }
        String csv = Files.readString(dir.resolve("out/bench.csv"));
        assertEquals(1 + 2 * 3 * 2, csv.lines().filter(l -> !l.startsWith("#")).count(), csv);
        assertTrue(csv.contains("cpu-b,tiny,short:chat,2,"), csv);
        assertTrue(ctx.outText().contains("random weights"), ctx.outText());
        // and --compare reads two such reports
        Context cmp = new Context(dir);
        assertEquals(HearthCommand.OK, command(live, dir).execute(cmp, List.of("--compare", "out/bench.json",
                "out/bench.json")));
        assertTrue(cmp.outText().contains("0 regressions"), cmp.outText());
    }

    @Test
    void badUsageIsExitTwo(@TempDir Path dir) throws Exception {
        List<Backend> live = Fixtures.live(new MatmulBackend("cpu", 32, 1));
        for (List<String> args : List.of(List.of("--runs"), List.of("--bogus"), List.of("--runs", "0"),
                List.of("--scenario", "nope"), List.of("--format", "pdf"), List.of("--backend", "openai:nohost"))) {
            Context ctx = new Context(dir);
            assertEquals(HearthCommand.USAGE, command(live, dir).execute(ctx, args), args + ": " + ctx.errText());
            assertEquals(1, ctx.errText().lines().count(), ctx.errText());
        }
        Context help = new Context(dir);
        assertEquals(HearthCommand.OK, command(live, dir).execute(help, List.of("--help")));
        assertTrue(help.outText().contains("--compare"));
    }

    @Test
    void missingDefaultModelSaysToPassModel(@TempDir Path dir) throws Exception {
        Context ctx = new Context(dir);
        int rc = command(Fixtures.live(new MatmulBackend("cpu", 32, 1)), dir.resolve("default-bench.gguf"))
                .execute(ctx, List.of());
        assertEquals(HearthCommand.FAILURE, rc);
        assertEquals(1, ctx.errText().lines().count(), ctx.errText());
        assertTrue(ctx.errText().contains("--model"), ctx.errText());
    }

    @Test
    void unknownBackendIsNamed(@TempDir Path dir) throws Exception {
        Context ctx = new Context(dir);
        int rc = command(Fixtures.live(new MatmulBackend("cpu", 32, 1)), dir).execute(ctx,
                List.of("--backend", "gguf-cuda", "--model", "x.test"));
        assertEquals(HearthCommand.FAILURE, rc);
        assertTrue(ctx.errText().contains("gguf-cuda") && ctx.errText().contains("installed: cpu"), ctx.errText());
    }

    @Test
    void ctrlCStopsAndStillWritesTheReports(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("tiny.test"), "x");
        Context ctx = new Context(dir);
        MatmulBackend slow = new MatmulBackend("slow", 128, 4) {
            private int calls;

            @Override
            void check() {
                if (++calls == 40) ctx.cancelled.set(true); // the user presses Ctrl-C mid-run
            }
        };
        int rc = command(Fixtures.live(slow), dir).execute(ctx, List.of("--model", "tiny.test", "--scenario",
                "tg16", "--runs", "5", "--out", "out"));
        assertEquals(HearthCommand.OK, rc, ctx.errText());
        String json = Files.readString(dir.resolve("out/bench.json"));
        assertTrue(json.contains("\"cancelled\": true"), json);
        assertTrue(json.contains("\"status\": \"cancelled\""), json);
        String csv = Files.readString(dir.resolve("out/bench.csv"));
        assertEquals(1 + 1, csv.lines().filter(l -> !l.startsWith("#")).count(), csv); // warm-up 16, run 1 16, run 2 cut
        assertTrue(ctx.errText().contains("stopped"), ctx.errText());
    }
}
