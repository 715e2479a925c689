package dev.hearth.sampling;

import java.util.Objects;
import java.util.SplittableRandom;

import dev.hearth.api.session.SamplingParams;

/**
 * Chooses the next token from logits, as llama.cpp's default sampler chain does.
 *
 * <ol>
 *   <li><b>repetition penalty</b> ({@code penalties}): every distinct token among the last {@code repeatLastN}
 *       {@linkplain #accept accepted} tokens has its logit divided by the penalty when positive, multiplied when
 *       not;</li>
 *   <li>temperature 0: <b>argmax</b>, the lowest id winning ties (llama.cpp's greedy sampler); otherwise</li>
 *   <li><b>top-k</b>: the k highest logits (0: all), sorted descending, ties by lower id;</li>
 *   <li><b>top-p</b>: softmax over the candidates, the shortest head whose cumulative probability reaches p;</li>
 *   <li><b>min-p</b>: the candidates whose logit is at least {@code max + ln(p)}, i.e. probability at least
 *       p times the top one;</li>
 *   <li><b>temperature</b>: logits divided by it;</li>
 *   <li><b>dist</b>: softmax and a draw from a {@link SplittableRandom} seeded with {@code params.seed()}.</li>
 * </ol>
 * The draw uses a different generator than llama.cpp's {@code std::mt19937}, so seeded sequences match llama.cpp
 * only in distribution; greedy output matches exactly.
 *
 * <p>Buffers are sized on the first call and reused: no allocation per token. Not thread-safe; one per session.
 */
public final class Sampler {

    private final SamplingParams params;
    private SplittableRandom random;

    // ring buffer of the last repeatLastN accepted tokens
    private final int[] history;
    private int historyStart;
    private int historySize;

    // work buffers, sized to the vocabulary on first use
    private float[] work = new float[0];      // logits after the penalty, indexed by token id
    private long[] keys = new long[0];        // candidates as sortable keys (see key())
    private int[] candidates = new int[0];    // candidate token ids, best first once sorted
    private double[] probs = new double[0];   // probabilities of the candidates
    private int[] penalised = new int[0];     // token ids the penalty touched in this call (for de-duplication)

    public Sampler(SamplingParams params) {
        this.params = Objects.requireNonNull(params, "params");
        this.random = new SplittableRandom(params.seed());
        this.history = new int[params.repeatLastN()];
    }

    public SamplingParams params() {
        return params;
    }

    /** Records a token (prompt or generated) for the repetition penalty. */
    public void accept(int token) {
        if (history.length == 0) return;
        if (historySize < history.length) {
            history[(historyStart + historySize++) % history.length] = token;
        } else {
            history[historyStart] = token;
            historyStart = (historyStart + 1) % history.length;
        }
    }

    /** Forgets the accepted tokens and restarts the random sequence from the seed. */
    public void reset() {
        historyStart = 0;
        historySize = 0;
        random = new SplittableRandom(params.seed());
    }

    /** Chooses the next token. {@code logits} is not modified. */
    public int sample(float[] logits) {
        int n = prepare(logits);
        if (params.isGreedy()) return argmax(work, logits.length);
        return draw(n);
    }

    /**
     * The distribution the next draw picks from, after every filter and the temperature: fills {@code ids} and
     * {@code p} (each at least the vocabulary size long) and returns how many candidates there are. With
     * temperature 0 it is the argmax with probability 1. Does not draw or advance the random sequence.
     */
    public int distribution(float[] logits, int[] ids, float[] p) {
        int n = prepare(logits);
        if (params.isGreedy()) {
            ids[0] = argmax(work, logits.length);
            p[0] = 1f;
            return 1;
        }
        for (int i = 0; i < n; i++) {
            ids[i] = candidates[i];
            p[i] = (float) probs[i];
        }
        return n;
    }

    // ---------------------------------------------------------------------------------------------------------

    /** Penalty, then (unless greedy) top-k, top-p, min-p and temperature; returns the candidate count. */
    private int prepare(float[] logits) {
        int vocab = logits.length;
        ensureCapacity(vocab);
        System.arraycopy(logits, 0, work, 0, vocab);
        applyRepetitionPenalty(vocab);
        if (params.isGreedy()) return 1;
        int n = topK(vocab);
        n = topP(n);
        n = minP(n);
        softmaxWithTemperature(n);
        return n;
    }

    private void ensureCapacity(int vocab) {
        if (work.length >= vocab) return;
        work = new float[vocab];
        keys = new long[vocab];
        candidates = new int[vocab];
        probs = new double[vocab];
        penalised = new int[Math.max(history.length, 1)];
    }

    // llama.cpp: penalties sampler (repeat penalty only; frequency and presence penalties are 0 by default)
    private void applyRepetitionPenalty(int vocab) {
        float penalty = params.repetitionPenalty();
        if (penalty == 1f || historySize == 0) return;
        int touched = 0;
        for (int h = 0; h < historySize; h++) {
            int token = history[(historyStart + h) % history.length];
            if (token < 0 || token >= vocab || contains(penalised, touched, token)) continue;
            penalised[touched++] = token;
            float l = work[token];
            work[token] = l <= 0 ? l * penalty : l / penalty;
        }
    }

    private static boolean contains(int[] a, int n, int v) {
        for (int i = 0; i < n; i++) if (a[i] == v) return true;
        return false;
    }

    /** First index of the largest value: llama.cpp's greedy sampler keeps the first maximum. */
    static int argmax(float[] v, int n) {
        int best = 0;
        for (int i = 1; i < n; i++) if (v[i] > v[best]) best = i;
        return best;
    }

    /**
     * Keeps the k best candidates, sorted best first (all of them when k is 0 and top-p needs the order; in id
     * order when nothing needs sorting).
     */
    private int topK(int vocab) {
        int k = params.topK() <= 0 ? vocab : Math.min(params.topK(), vocab);
        boolean needsOrder = k < vocab || params.topP() < 1f;
        if (!needsOrder) {
            for (int i = 0; i < vocab; i++) candidates[i] = i;
            return vocab;
        }
        // min-heap of the k best keys seen so far, then heap-sorted in place: O(n log k), no allocation
        int size = 0;
        for (int i = 0; i < vocab; i++) {
            long key = key(work[i], i);
            if (size < k) {
                keys[size] = key;
                siftUp(keys, size++);
            } else if (key > keys[0]) {
                keys[0] = key;
                siftDown(keys, 0, size);
            }
        }
        for (int end = size - 1; end > 0; end--) { // pops the minimum to the back: descending order
            long t = keys[0];
            keys[0] = keys[end];
            keys[end] = t;
            siftDown(keys, 0, end);
        }
        for (int i = 0; i < size; i++) candidates[i] = idOf(keys[i]);
        return size;
    }

    /**
     * Packs a logit and a token id into a long whose natural order is "better": larger logit first, then lower
     * id. The float bits are made sortable as a signed int; the id is stored inverted in the low 32 bits.
     */
    static long key(float logit, int id) {
        int bits = Float.floatToIntBits(logit);
        int sortable = bits ^ ((bits >> 31) & 0x7fffffff);
        return ((long) sortable << 32) | (~id & 0xffffffffL);
    }

    static int idOf(long key) {
        return ~(int) key;
    }

    private static void siftUp(long[] h, int i) {
        long v = h[i];
        while (i > 0) {
            int parent = (i - 1) >>> 1;
            if (h[parent] <= v) break;
            h[i] = h[parent];
            i = parent;
        }
        h[i] = v;
    }

    private static void siftDown(long[] h, int i, int size) {
        long v = h[i];
        while (true) {
            int child = 2 * i + 1;
            if (child >= size) break;
            if (child + 1 < size && h[child + 1] < h[child]) child++;
            if (h[child] >= v) break;
            h[i] = h[child];
            i = child;
        }
        h[i] = v;
    }

    // llama.cpp: top_p sampler (candidates sorted best first; keeps up to the first whose cumulative p >= top_p)
    private int topP(int n) {
        float p = params.topP();
        if (p >= 1f) return n;
        double max = work[candidates[0]];
        double sum = 0;
        for (int i = 0; i < n; i++) {
            probs[i] = Math.exp(work[candidates[i]] - max);
            sum += probs[i];
        }
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += probs[i] / sum;
            if (cumulative >= p) return i + 1;
        }
        return n;
    }

    // llama.cpp: min_p sampler (keeps logits >= max + ln(min_p); never empties the set)
    private int minP(int n) {
        float p = params.minP();
        if (p <= 0f) return n;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, work[candidates[i]]);
        float threshold = max + (float) Math.log(p);
        int kept = 0;
        for (int i = 0; i < n; i++) {
            int id = candidates[i];
            if (work[id] >= threshold) candidates[kept++] = id; // keeps the order
        }
        return Math.max(kept, 1);
    }

    // llama.cpp: temp sampler then the softmax of dist
    private void softmaxWithTemperature(int n) {
        double t = params.temperature();
        double max = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) max = Math.max(max, work[candidates[i]] / t);
        double sum = 0;
        for (int i = 0; i < n; i++) {
            probs[i] = Math.exp(work[candidates[i]] / t - max);
            sum += probs[i];
        }
        for (int i = 0; i < n; i++) probs[i] /= sum;
    }

    private int draw(int n) {
        double u = random.nextDouble();
        double cumulative = 0;
        for (int i = 0; i < n; i++) {
            cumulative += probs[i];
            if (u < cumulative) return candidates[i];
        }
        return candidates[n - 1]; // rounding left u above the last sum
    }
}
