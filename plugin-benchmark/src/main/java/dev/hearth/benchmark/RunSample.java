package dev.hearth.benchmark;

/**
 * One measured repetition of one scenario: every number here was taken with {@link System#nanoTime()} around real
 * work, by the backend's session ({@code GenerationStats}) or by the harness around {@code Session.evaluate}.
 *
 * <p>Speeds follow llama.cpp's counting: the first generated token comes out of prompt evaluation, so generation
 * speed is {@code decodeTokens} (generated - 1 for a text scenario, N for {@code tgN}) over {@code decodeNanos}.
 *
 * @param run             1-based repetition number (0 is the warm-up, never reported)
 * @param promptTokens    tokens evaluated as prompt
 * @param generatedTokens tokens produced
 * @param promptNanos     prompt evaluation time, 0 when there was no prompt
 * @param ttftNanos       request start to first generated token, -1 when no token was generated
 * @param tokenNanos      per generated token, the time since the previous one (the first: since the prompt);
 *                        empty when the engine does not show single tokens (a server streaming several per chunk)
 * @param decodeTokens    decode steps timed in {@code decodeNanos}
 * @param decodeNanos     time of those decode steps
 * @param totalNanos      request start to end
 * @param peakRssBytes    peak resident memory of the process, -1 when unknown (a remote server)
 * @param gpuMemBytes     device memory in use, -1 when not on a GPU or not reported
 * @param stopReason      why generation ended ({@code max_tokens}, {@code end_of_generation}, ...)
 */
public record RunSample(int run, int promptTokens, int generatedTokens, long promptNanos, long ttftNanos,
                        long[] tokenNanos, int decodeTokens, long decodeNanos, long totalNanos,
                        long peakRssBytes, long gpuMemBytes, String stopReason) {

    public RunSample {
        tokenNanos = tokenNanos.clone();
        if (tokenNanos.length != generatedTokens && tokenNanos.length != 0) {
            throw new IllegalArgumentException(tokenNanos.length + " token times for " + generatedTokens + " tokens");
        }
        if (decodeTokens < 0 || decodeTokens > generatedTokens) {
            throw new IllegalArgumentException(decodeTokens + " decode steps for " + generatedTokens + " tokens");
        }
    }

    @Override
    public long[] tokenNanos() {
        return tokenNanos.clone();
    }

    /** Time to first token in ms, NaN when none was generated. */
    public double ttftMs() {
        return ttftNanos < 0 ? Double.NaN : ttftNanos / 1e6;
    }

    /** Mean time per output token (decode steps only) in ms, NaN when there was none. */
    public double tptMs() {
        return decodeTokens <= 0 || decodeNanos <= 0 ? Double.NaN : decodeNanos / 1e6 / decodeTokens;
    }

    /** Prompt tokens per second, NaN when there was no prompt evaluation. */
    public double promptTps() {
        return promptTokens <= 0 || promptNanos <= 0 ? Double.NaN : promptTokens * 1e9 / promptNanos;
    }

    /** Decode steps per second, NaN when there was none. */
    public double genTps() {
        return decodeTokens <= 0 || decodeNanos <= 0 ? Double.NaN : decodeTokens * 1e9 / decodeNanos;
    }

    public double totalMs() {
        return totalNanos / 1e6;
    }

    public double peakRssMb() {
        return peakRssBytes < 0 ? Double.NaN : peakRssBytes / (1024.0 * 1024.0);
    }

    public double gpuMemMb() {
        return gpuMemBytes < 0 ? Double.NaN : gpuMemBytes / (1024.0 * 1024.0);
    }

    /** The decode step times (every token time but the first of a text scenario), in ms; empty when unknown. */
    public double[] decodeStepMillis() {
        if (tokenNanos.length == 0) return new double[0];
        int skip = tokenNanos.length - decodeTokens;
        double[] ms = new double[Math.max(0, decodeTokens)];
        for (int i = 0; i < ms.length; i++) ms[i] = tokenNanos[skip + i] / 1e6;
        return ms;
    }
}
