package dev.hearth.benchmark.cli;

import java.util.ArrayList;
import java.util.List;

import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** The options of {@code hearth bench}, parsed by picocli. */
@Command(name = "bench", sortOptions = false, usageHelpAutoWidth = true,
        description = {"Benchmarks every installed backend (or those named) on the same scenarios and writes CSV, "
                + "JSON, Markdown and HTML reports.",
                "Backends: ids of installed backends (gguf-cpu, ...) or openai:URL[#model] for any "
                        + "OpenAI-compatible server (llama-server, ollama, vLLM)."})
final class BenchOptions {

    @Option(names = "--model", paramLabel = "FILE|DIR",
            description = "Model to load on each backend that supports it (repeatable). Default: the synthetic "
                    + "benchmark model (~/.hearth/models/default-bench.gguf).")
    List<String> models = new ArrayList<>();

    @Option(names = "--backend", paramLabel = "ID", split = ",",
            description = "Backend id or openai:URL (repeatable). Default: every installed backend.")
    List<String> backends = new ArrayList<>();

    @Option(names = "--scenario", paramLabel = "NAME", split = ",",
            description = "short, medium, code, long (each also NAME:chat), ppN, tgN (repeatable). "
                    + "Default: short medium code long pp512 tg128.")
    List<String> scenarios = new ArrayList<>();

    @Option(names = "--scenarios", paramLabel = "FILE",
            description = "JSON file overriding or adding scenarios (same shape as the shipped scenarios.json).")
    String scenarioFile;

    @Option(names = "--runs", paramLabel = "N", defaultValue = "3", description = "Measured runs per scenario "
            + "(default ${DEFAULT-VALUE}).")
    int runs;

    @Option(names = "--warmup", paramLabel = "N", defaultValue = "1", description = "Unreported warm-up runs "
            + "(default ${DEFAULT-VALUE}).")
    int warmup;

    @Option(names = "--out", paramLabel = "DIR", description = "Folder for the reports (default bench-<time>).")
    String out;

    @Option(names = "--format", paramLabel = "NAME", split = ",", defaultValue = "csv,json,markdown,html",
            description = "Report formats (default ${DEFAULT-VALUE}).")
    List<String> formats = new ArrayList<>();

    @Option(names = "--ctx", paramLabel = "N", defaultValue = "0",
            description = "Context length to load with (default: the model's).")
    int contextLength;

    @Option(names = "--gpu-layers", paramLabel = "N", defaultValue = "-1",
            description = "Layers on the GPU, the rest on the CPU, for backends that offload (default: all).")
    int gpuLayers;

    @Option(names = "--threads", paramLabel = "N", defaultValue = "0", description = "CPU threads (default: one per core; generation steps leave one of 8 or more free).")
    int threads;

    @Option(names = "--decode-batch", paramLabel = "N",
            description = "Sessions whose decode steps a backend may run as one pass (tgNxS scenarios; default: "
                    + "the backend's; 1 = each session alone).")
    Integer decodeBatch;

    @Option(names = "--seed", paramLabel = "N", defaultValue = "1234",
            description = "Seed of the random token ids of ppN / tgN (default ${DEFAULT-VALUE}).")
    long seed;

    @Option(names = "--ignore-eos", description = "Ask OpenAI-compatible servers to ignore end-of-sequence so every "
            + "run generates the full count (Hearth's API has no such switch yet).")
    boolean ignoreEos;

    @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "600",
            description = "Longest wait for one response of a remote server (default ${DEFAULT-VALUE}).")
    int timeoutSeconds;

    @Option(names = "--compare", arity = "2", paramLabel = "REPORT.json",
            description = "Print the change from the first report to the second instead of running.")
    List<String> compare = new ArrayList<>();

    @Option(names = "--threshold", paramLabel = "PERCENT", defaultValue = "5",
            description = "With --compare: changes smaller than this are not flagged (default ${DEFAULT-VALUE}).")
    double thresholdPercent;

    @Option(names = "--fail-on-regression", description = "With --compare: exit 1 when anything regressed.")
    boolean failOnRegression;

    @Option(names = "--list-scenarios", description = "List the scenarios and exit.")
    boolean listScenarios;

    @Option(names = "--no-progress", description = "No progress bar.")
    boolean noProgress;

    @Option(names = {"-h", "--help"}, usageHelp = true, description = "Show this help.")
    boolean help;
}
