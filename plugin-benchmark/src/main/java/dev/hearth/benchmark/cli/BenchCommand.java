package dev.hearth.benchmark.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.function.Supplier;

import dev.hearth.api.backend.Backend;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.command.CommandContext;
import dev.hearth.api.command.HearthCommand;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.model.ModelFormat;
import dev.hearth.benchmark.BackendTarget;
import dev.hearth.benchmark.BenchmarkReport;
import dev.hearth.benchmark.BenchmarkResult;
import dev.hearth.benchmark.BenchmarkRunner;
import dev.hearth.benchmark.Environment;
import dev.hearth.benchmark.Scenario;
import dev.hearth.benchmark.Scenarios;
import dev.hearth.benchmark.Target;
import dev.hearth.benchmark.openai.OpenAiTarget;
import dev.hearth.benchmark.report.Comparison;
import dev.hearth.benchmark.report.JsonReport;
import dev.hearth.benchmark.report.MarkdownPrinter;
import dev.hearth.benchmark.report.ReportPrinter;
import dev.hearth.benchmark.report.ReportPrinters;

import picocli.CommandLine;

/**
 * {@code hearth bench} (and Gogo's {@code hearth:bench}): see {@link BenchOptions} for the options. Backends come
 * from a live view of the registered services, so one installed since the last run is measured and one removed
 * during a run is reported as gone. Ctrl-C stops the run and the reports are still written.
 */
public final class BenchCommand implements HearthCommand {

    private final Supplier<List<Backend>> backends;
    private final Supplier<List<ModelFormat>> formats;
    private final Path defaultModels;

    /**
     * @param backends     the backend services registered now (a live view)
     * @param formats      the model format services registered now
     * @param defaultModels the folder of the models used without {@code --model}
     */
    public BenchCommand(Supplier<List<Backend>> backends, Supplier<List<ModelFormat>> formats, Path defaultModels) {
        this.backends = Objects.requireNonNull(backends, "backends");
        this.formats = Objects.requireNonNull(formats, "formats");
        this.defaultModels = Objects.requireNonNull(defaultModels, "defaultModels");
    }

    /** The standard folder of the default models, {@code ~/.hearth/models/bench}. */
    public static Path standardDefaultModels() {
        return DefaultModel.standardFolder();
    }

    @Override
    public String name() {
        return "bench";
    }

    @Override
    public String summary() {
        return "benchmark backends (and OpenAI-compatible servers) on the same scenarios; CSV/JSON/Markdown/HTML";
    }

    @Override
    public int execute(CommandContext ctx, List<String> args) throws Exception {
        BenchOptions o = new BenchOptions();
        CommandLine cl = new CommandLine(o).setCaseInsensitiveEnumValuesAllowed(true);
        try {
            cl.parseArgs(args.toArray(String[]::new));
        } catch (CommandLine.ParameterException e) {
            ctx.err().println("bench: " + e.getMessage() + " (see hearth bench --help)");
            return USAGE;
        }
        if (o.help) {
            cl.usage(ctx.out());
            return OK;
        }
        if (!o.compare.isEmpty()) return compare(ctx, o);
        if (o.runs < 1 || o.warmup < 0 || o.contextLength < 0 || o.threads < 0 || o.timeoutSeconds < 1) {
            ctx.err().println("bench: --runs must be >= 1, --warmup, --ctx and --threads >= 0, --timeout >= 1");
            return USAGE;
        }
        Scenarios catalogue;
        try {
            catalogue = o.scenarioFile == null ? Scenarios.shipped() : Scenarios.shippedWith(ctx.resolve(o.scenarioFile));
        } catch (IOException e) {
            ctx.err().println("bench: " + e.getMessage());
            return FAILURE;
        }
        if (o.listScenarios) {
            ctx.out().print(catalogue.describe());
            return OK;
        }
        List<Scenario> scenarios;
        List<ReportPrinter> printers = new ArrayList<>();
        try {
            scenarios = o.scenarios.isEmpty() ? catalogue.defaults()
                    : o.scenarios.stream().distinct().map(catalogue::get).toList();
            for (String f : new LinkedHashSet<>(o.formats)) printers.add(ReportPrinters.byName(f));
        } catch (IllegalArgumentException e) {
            ctx.err().println("bench: " + e.getMessage());
            return USAGE;
        }
        return run(ctx, o, scenarios, printers);
    }

    private int run(CommandContext ctx, BenchOptions o, List<Scenario> scenarios, List<ReportPrinter> printers)
            throws Exception {
        List<Target> targets = new ArrayList<>();
        Optional<Integer> failed = targets(ctx, o, targets);
        if (failed.isPresent()) return failed.get();
        List<ModelDescription> models = new ArrayList<>();
        if (targets.stream().anyMatch(t -> !t.servesOwnModel())) {
            Optional<Integer> bad = models(ctx, o, models);
            if (bad.isPresent()) return bad.get();
        }
        Path outDir = ctx.resolve(o.out != null ? o.out
                : "bench-" + LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        BenchmarkRunner.Progress progress = o.noProgress ? new PlainProgress(ctx.err())
                : new TerminalProgress(ctx.err());
        List<Target> chosen = List.copyOf(targets);
        BenchmarkRunner runner = new BenchmarkRunner(() -> chosen, progress, ctx::cancelled);
        Environment env = environment(ctx, targets);
        List<BenchmarkResult> results = runner.run(new BenchmarkRunner.Plan(scenarios, models, o.runs, o.warmup,
                o.seed));
        BenchmarkReport report = BenchmarkReport.of(env, o.runs, o.warmup, o.seed, ctx.cancelled(), results,
                List.of());
        write(report, printers, outDir, ctx.out());
        ctx.out().print(new MarkdownPrinter().render(report));
        if (ctx.cancelled()) ctx.err().println("bench: stopped; the reports hold what was measured");
        boolean anyOk = results.stream().anyMatch(r -> r.status() == BenchmarkResult.Status.OK);
        return anyOk || ctx.cancelled() ? OK : FAILURE;
    }

    /** Fills {@code out} with the chosen targets; a present result is the exit code of a failure. */
    private Optional<Integer> targets(CommandContext ctx, BenchOptions o, List<Target> out) {
        List<String> remote = o.backends.stream().filter(b -> b.startsWith(OpenAiTarget.PREFIX)).toList();
        Set<String> local = new LinkedHashSet<>(o.backends);
        local.removeAll(remote);
        boolean wantLocal = !local.isEmpty() || remote.isEmpty();
        if (wantLocal && backends.get().isEmpty()) {
            ctx.services(Backend.class, null, ctx.serviceTimeout()); // waits for the first one to appear
        }
        LoadOptions load = LoadOptions.defaults().withContextLength(o.contextLength).withThreads(o.threads)
                .withGpuLayers(o.gpuLayers);
        if (o.decodeBatch != null) load = load.withExtra(LoadOptions.DECODE_BATCH, o.decodeBatch.toString());
        if (wantLocal) {
            List<Backend> now = backends.get();
            for (String id : local) {
                if (now.stream().noneMatch(b -> b.id().equals(id))) {
                    ctx.err().println("bench: no backend '" + id + "' is installed (installed: " + ids(now) + ")");
                    return Optional.of(FAILURE);
                }
            }
            for (Backend b : now) {
                if (local.isEmpty() || local.contains(b.id())) out.add(new BackendTarget(b, backends, load));
            }
        }
        for (String spec : remote) {
            try {
                out.add(new OpenAiTarget(spec, Duration.ofSeconds(o.timeoutSeconds), o.ignoreEos));
            } catch (IllegalArgumentException e) {
                ctx.err().println("bench: " + e.getMessage());
                return Optional.of(USAGE);
            }
        }
        if (out.isEmpty()) {
            ctx.err().println("bench: no backend is installed; install a backend plugin or pass --backend openai:URL");
            return Optional.of(FAILURE);
        }
        return Optional.empty();
    }

    private static String ids(List<Backend> bs) {
        return bs.isEmpty() ? "none" : String.join(", ", bs.stream().map(Backend::id).toList());
    }

    private Optional<Integer> models(CommandContext ctx, BenchOptions o, List<ModelDescription> out)
            throws Exception {
        List<Path> paths = new ArrayList<>();
        if (o.models.isEmpty()) {
            Optional<List<Path>> p = DefaultModel.ensure(defaultModels, ctx);
            if (p.isEmpty()) return Optional.of(FAILURE);
            paths.addAll(p.get());
        } else {
            for (String m : o.models) paths.add(ctx.resolve(m));
        }
        if (formats.get().isEmpty()) ctx.services(ModelFormat.class, null, ctx.serviceTimeout());
        for (Path p : paths) {
            try {
                out.add(ModelResolver.describe(p, formats.get()));
            } catch (IOException e) {
                ctx.err().println("bench: " + e.getMessage());
                return Optional.of(FAILURE);
            }
        }
        return Optional.empty();
    }

    private static Environment environment(CommandContext ctx, List<Target> targets) {
        Set<String> gpus = new LinkedHashSet<>();
        Map<String, String> versions = new LinkedHashMap<>();
        for (Target t : targets) {
            if (!t.gpu().isEmpty()) gpus.add(t.gpu());
            versions.put(t.id(), t.version());
        }
        return Environment.capture(ctx.workingDirectory(), List.copyOf(gpus), versions);
    }

    private static void write(BenchmarkReport report, List<ReportPrinter> printers, Path dir, PrintStream out)
            throws IOException {
        Files.createDirectories(dir);
        for (ReportPrinter p : printers) {
            Path file = dir.resolve("bench." + p.extension());
            try (Writer w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
                p.print(report, w);
            }
            out.println("wrote " + file);
        }
    }

    private static int compare(CommandContext ctx, BenchOptions o) throws IOException {
        BenchmarkReport a;
        BenchmarkReport b;
        try {
            a = JsonReport.parse(Files.readString(ctx.resolve(o.compare.get(0))));
            b = JsonReport.parse(Files.readString(ctx.resolve(o.compare.get(1))));
        } catch (IOException e) {
            ctx.err().println("bench: " + e.getMessage());
            return FAILURE;
        }
        Comparison c = Comparison.of(a, b, o.thresholdPercent / 100);
        ctx.out().println("A: " + o.compare.get(0) + " (" + a.environment().gitCommit() + ", "
                + a.environment().timestamp() + ")");
        ctx.out().println("B: " + o.compare.get(1) + " (" + b.environment().gitCommit() + ", "
                + b.environment().timestamp() + ")");
        ctx.out().print(c.render());
        return o.failOnRegression && c.regressed() ? FAILURE : OK;
    }

    /** Progress as plain lines (no bar): notes only. */
    private record PlainProgress(PrintStream err) implements BenchmarkRunner.Progress {
        @Override public void start(long steps) { }
        @Override public void step(String label) { }
        @Override public void note(String line) { err.println(line); }
        @Override public void finish() { }
    }
}
