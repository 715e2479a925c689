package dev.hearth.generation;

import java.util.Objects;

import dev.hearth.api.session.Session;

/**
 * Perplexity exactly as llama.cpp's {@code llama-perplexity} computes it (its {@code perplexity()} function):
 * <ol>
 *   <li>the text's tokens (tokenised with BOS, as the tool does) are cut into {@code tokens.length / n}
 *       non-overlapping chunks of {@code n} tokens, the tail dropped; at least two chunks are needed;</li>
 *   <li>each chunk starts from an empty KV cache with its first token replaced by BOS (when the model adds BOS;
 *       pass -1 otherwise) and is evaluated with logits for every position;</li>
 *   <li>only the second half is scored: with {@code first = n/2}, the logits at positions
 *       {@code first .. n-2} predict tokens {@code first+1 .. n-1}, adding {@code -log softmax(logits)[next]} to
 *       the sum; that is {@code n - 1 - first} predictions per chunk;</li>
 *   <li>after each chunk the running value {@code exp(sum / count)} is reported; the final value is the last of
 *       them, with the standard error llama.cpp prints.</li>
 * </ol>
 * The log-softmax is taken as llama.cpp takes it: max subtracted, the sum of exponentials in double.
 */
public final class PerplexityCalculator {

    /** Told of each chunk as it is done. */
    @FunctionalInterface
    public interface ChunkListener {
        void onChunk(int chunk, int chunks, double runningPpl);

        ChunkListener IGNORE = (c, n, p) -> { };
    }

    private final Session session;

    public PerplexityCalculator(Session session) {
        this.session = Objects.requireNonNull(session, "session");
    }

    /**
     * @param tokens   the whole text, tokenised (with BOS, as llama-perplexity tokenises it)
     * @param n        tokens per chunk; at most the session's context length
     * @param bos      the BOS token put first in every chunk, or -1 to keep the text's own first token
     * @param listener told of each chunk
     */
    public PerplexityResult compute(int[] tokens, int n, int bos, ChunkListener listener) {
        if (n < 4) throw new IllegalArgumentException("chunk size must be >= 4 tokens, was " + n);
        if (n > session.contextLength()) {
            throw new IllegalArgumentException("chunk size " + n + " > context length " + session.contextLength());
        }
        if (tokens.length < 2 * n) {
            throw new IllegalArgumentException("need at least " + 2 * n + " tokens (2 chunks of " + n
                    + ") to compute perplexity, the text has " + tokens.length);
        }
        int chunks = tokens.length / n;
        int first = n / 2;
        double[] running = new double[chunks];
        int[] chunk = new int[n];
        double[] sums = new double[2]; // sum of nll, sum of nll^2
        int count = 0;

        for (int c = 0; c < chunks; c++) {
            int start = c * n;
            System.arraycopy(tokens, start, chunk, 0, n);
            if (bos >= 0) chunk[0] = bos;
            session.reset();
            session.evaluate(chunk, 0, n, Session.LogitsMode.ALL, (i, logits) -> {
                if (i < first || i > n - 2) return;
                double nll = -logSoftmax(logits, tokens[start + i + 1]);
                sums[0] += nll;
                sums[1] += nll * nll;
            });
            count += n - 1 - first;
            running[c] = Math.exp(sums[0] / count);
            listener.onChunk(c, chunks, running[c]);
        }

        double mean = sums[0] / count;
        double ppl = Math.exp(mean);
        double variance = sums[1] / count - mean * mean;
        double error = variance > 0 ? Math.sqrt(variance / (count - 1)) * ppl : 0;
        return new PerplexityResult(n, chunks, count, running, ppl, error);
    }

    /** {@code log softmax(logits)[token]}: max subtracted, exponentials summed in double. */
    static double logSoftmax(float[] logits, int token) {
        float max = logits[0];
        for (int i = 1; i < logits.length; i++) max = Math.max(max, logits[i]);
        double sum = 0;
        for (float l : logits) sum += Math.exp(l - max);
        return (logits[token] - max) - Math.log(sum);
    }
}
