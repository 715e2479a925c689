package dev.hearth.benchmark;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The outcome of one scenario on one backend and model: every measured repetition, or why there is none.
 *
 * @param backend        backend id, e.g. {@code gguf-cpu} or {@code openai:http://127.0.0.1:8080}
 * @param backendVersion its version string
 * @param device         the device label, e.g. {@code CPU (16 cores, 512-bit SIMD)}
 * @param model          the model's name
 * @param modelPath      the file or folder it came from (the server URL for a remote backend)
 * @param randomWeights  whether the model's weights are random (speeds are real, text is meaningless)
 * @param scenario       the scenario name
 * @param status         what happened
 * @param message        why, when the status is not OK; empty otherwise
 * @param loadMs         time to load the model on the backend, NaN when it was not loaded
 * @param samples        the measured repetitions, warm-up excluded
 */
public record BenchmarkResult(String backend, String backendVersion, String device, String model, String modelPath,
                              boolean randomWeights, String scenario, Status status, String message, double loadMs,
                              List<RunSample> samples) {

    /** What became of one scenario on one backend. */
    public enum Status {
        /** Measured. */
        OK,
        /** The backend service went away (uninstalled, stopped) before or while it ran. */
        GONE,
        /** The backend cannot run this model or scenario; the message says why. */
        UNSUPPORTED,
        /** It failed with an error; the message has it. */
        FAILED,
        /** The user stopped the run; the samples finished before that are kept. */
        CANCELLED
    }

    public BenchmarkResult {
        Objects.requireNonNull(status, "status");
        samples = List.copyOf(samples);
    }

    /** Statistics of a metric across repetitions (mean ± sample stddev, percentiles). */
    public Statistics.Summary summary(Metric metric) {
        double[] xs = samples.stream().mapToDouble(metric::of).filter(d -> !Double.isNaN(d)).toArray();
        return Statistics.summarize(xs);
    }

    /** Statistics of every decode step's time in ms, pooled over repetitions (for p50 / p95 / p99 per token). */
    public Statistics.Summary tokenTimes() {
        double[] all = samples.stream().flatMapToDouble(s -> Arrays.stream(s.decodeStepMillis())).toArray();
        return Statistics.summarize(all);
    }

    /** Key identifying the same measurement in another report: backend, model, scenario. */
    public String key() {
        return backend + " | " + model + " | " + scenario;
    }

    public BenchmarkResult withStatus(Status s, String why) {
        return new BenchmarkResult(backend, backendVersion, device, model, modelPath, randomWeights, scenario, s, why,
                loadMs, samples);
    }
}
