package dev.hearth.api.session;

/**
 * Measured timings of one generation. All durations are wall-clock nanoseconds taken with
 * {@link System#nanoTime()} around the real work.
 *
 * @param promptTokens     tokens in the prompt (after the chat template and BOS)
 * @param generatedTokens  tokens produced
 * @param promptNanos      time to evaluate the prompt
 * @param ttftNanos        from the start of the request to the first generated token
 * @param tokenNanos       for each generated token, the time since the previous one (the first: since the prompt
 *                         was evaluated)
 * @param totalNanos       from the start of the request to the end
 * @param peakMemoryBytes  peak resident memory of the process (or device memory for GPU backends), -1 if unknown
 * @param deviceMemoryBytes device memory in use by the model and session, -1 when not on a GPU
 * @param stopReason       why it ended
 */
public record GenerationStats(int promptTokens, int generatedTokens, long promptNanos, long ttftNanos,
                              long[] tokenNanos, long totalNanos, long peakMemoryBytes, long deviceMemoryBytes,
                              StopReason stopReason) {

    public GenerationStats {
        tokenNanos = tokenNanos.clone();
        if (tokenNanos.length != generatedTokens) {
            throw new IllegalArgumentException(tokenNanos.length + " token times for " + generatedTokens + " tokens");
        }
    }

    @Override
    public long[] tokenNanos() {
        return tokenNanos.clone();
    }

    /** Prompt tokens per second of prompt evaluation. */
    public double promptTokensPerSecond() {
        return promptNanos <= 0 ? 0 : promptTokens * 1e9 / promptNanos;
    }

    /**
     * Time spent producing tokens after the first: the first token comes out of prompt evaluation, every later one
     * out of one decode step, as llama.cpp counts it.
     */
    public long generationNanos() {
        long sum = 0;
        for (int i = 1; i < tokenNanos.length; i++) sum += tokenNanos[i];
        return sum;
    }

    /** Decode steps per second: (generated - 1) tokens over {@link #generationNanos()}. */
    public double generationTokensPerSecond() {
        long nanos = generationNanos();
        return nanos <= 0 ? 0 : (generatedTokens - 1) * 1e9 / nanos;
    }

    /** Mean time per output token after the first, in milliseconds. */
    public double meanTimePerTokenMillis() {
        return generatedTokens <= 1 ? 0 : generationNanos() / 1e6 / (generatedTokens - 1);
    }

    /** One line for a terminal: prompt tokens, TTFT and speeds. */
    public String summary() {
        return String.format(java.util.Locale.ROOT,
                "prompt: %d tokens, %.1f t/s | ttft: %.1f ms | generated: %d tokens, %.2f t/s | stop: %s",
                promptTokens, promptTokensPerSecond(), ttftNanos / 1e6, generatedTokens,
                generationTokensPerSecond(), stopReason.name().toLowerCase(java.util.Locale.ROOT));
    }
}
