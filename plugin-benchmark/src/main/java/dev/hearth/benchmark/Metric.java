package dev.hearth.benchmark;

import java.util.function.ToDoubleFunction;

/** The per-run numbers every report shows, with their CSV column names and which direction is better. */
public enum Metric {
    TTFT_MS("ttft_ms", "TTFT (ms)", false, RunSample::ttftMs),
    TPT_MS("tpt_ms", "time/token (ms)", false, RunSample::tptMs),
    PROMPT_TPS("prompt_tps", "prompt t/s", true, RunSample::promptTps),
    GEN_TPS("gen_tps", "gen t/s", true, RunSample::genTps),
    TOTAL_MS("total_ms", "total (ms)", false, RunSample::totalMs),
    PEAK_RSS_MB("peak_rss_mb", "peak RSS (MiB)", false, RunSample::peakRssMb),
    GPU_MEM_MB("gpu_mem_mb", "GPU mem (MiB)", false, RunSample::gpuMemMb);

    private final String column;
    private final String label;
    private final boolean higherIsBetter;
    private final ToDoubleFunction<RunSample> extractor;

    Metric(String column, String label, boolean higherIsBetter, ToDoubleFunction<RunSample> extractor) {
        this.column = column;
        this.label = label;
        this.higherIsBetter = higherIsBetter;
        this.extractor = extractor;
    }

    /** CSV column and JSON key. */
    public String column() {
        return column;
    }

    public String label() {
        return label;
    }

    public boolean higherIsBetter() {
        return higherIsBetter;
    }

    /** The value in one run, NaN where it does not apply. */
    public double of(RunSample s) {
        return extractor.applyAsDouble(s);
    }
}
