package dev.hearth.generation;

/**
 * Perplexity of a text as llama.cpp's {@code llama-perplexity} reports it.
 *
 * @param contextLength  tokens per chunk ({@code n_ctx})
 * @param chunks         chunks evaluated
 * @param scoredTokens   predictions scored in all ({@code chunks * (n_ctx - 1 - n_ctx/2)})
 * @param runningPpl     after each chunk, {@code exp(sum nll / scored so far)}: the {@code [1]x,[2]y,...} line
 * @param ppl            the final estimate
 * @param error          its standard error, as llama.cpp's {@code +/-} ({@code ppl * sqrt(var(nll)/(count-1))})
 */
public record PerplexityResult(int contextLength, int chunks, int scoredTokens, double[] runningPpl, double ppl,
                               double error) {
    public PerplexityResult {
        runningPpl = runningPpl.clone();
    }

    @Override
    public double[] runningPpl() {
        return runningPpl.clone();
    }

    /** llama.cpp's final line: {@code Final estimate: PPL = 12.3456 +/- 0.12345}. */
    public String summary() {
        return String.format(java.util.Locale.ROOT, "Final estimate: PPL = %.4f +/- %.5f", ppl, error);
    }
}
