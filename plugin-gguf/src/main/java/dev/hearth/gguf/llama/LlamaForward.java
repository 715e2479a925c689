package dev.hearth.gguf.llama;

import dev.hearth.gguf.engine.WorkerPool;

/** The Llama forward pass on the CPU, over a batch of tokens at consecutive positions. */
public final class LlamaForward {

    /** Below this much attention work (heads x positions x head size) the heads run on the calling thread. */
    private static final long ATTENTION_PARALLEL_MIN = 1L << 15;

    private final LlamaConfig c;
    private final LlamaWeights w;
    private final WorkerPool pool;

    public LlamaForward(LlamaConfig config, LlamaWeights weights, WorkerPool pool) {
        this.c = config;
        this.w = weights;
        this.pool = pool;
    }

    public LlamaConfig config() {
        return c;
    }

    /**
     * Runs {@code n} tokens ({@code tokens[from, from+n)}, at most {@link LlamaState#batch()}) at positions
     * {@code pos0 .. pos0+n-1}, writing their keys and values into the cache; leaves the next-token logits of batch
     * rows {@code logitsFrom .. n-1} in {@link LlamaState#logits(int)} ({@code logitsFrom = n} computes none, {@code n-1}
     * only the last). Every token sees the cache up to its own position (causal), so a batch gives the same result,
     * bit for bit, as its tokens one at a time; batching only makes each weight row serve all of them at once.
     */
    public void forward(LlamaState s, int[] tokens, int from, int n, int pos0, int logitsFrom) {
        checkBatch(s, n, pos0);

        // embedding: each token's row of token_embd
        for (int b = 0; b < n; b++) {
            int token = tokens[from + b];
            if (token < 0 || token >= c.vocabSize()) {
                throw new IllegalArgumentException("token id " + token + " outside the vocabulary of " + c.vocabSize());
            }
            w.tokenEmbedding().dequantizeRow(token, s.x[b], 0);
        }
        layersAndHead(s, 0, n, pos0, logitsFrom);
    }

    /**
     * {@link #forward} from layer {@code firstLayer} on: the hidden states of the {@code n} batch rows are already in
     * {@link LlamaState#hidden(int)} (the output of layer {@code firstLayer - 1}, e.g. from a GPU that ran the first
     * layers). Runs layers {@code firstLayer ..} and the output head as {@link #forward} does.
     */
    public void forwardFrom(LlamaState s, int firstLayer, int n, int pos0, int logitsFrom) {
        checkBatch(s, n, pos0);
        if (firstLayer < 0 || firstLayer > c.layers()) {
            throw new IllegalArgumentException("first layer " + firstLayer + " outside 0.." + c.layers());
        }
        layersAndHead(s, firstLayer, n, pos0, logitsFrom);
    }

    private static void checkBatch(LlamaState s, int n, int pos0) {
        if (n < 1 || n > s.batch()) throw new IllegalArgumentException("batch of " + n + " tokens, 1.." + s.batch() + " allowed");
        if (pos0 < 0 || pos0 + n > s.contextLength) {
            throw new IllegalArgumentException("positions " + pos0 + ".." + (pos0 + n - 1) + " outside the context of "
                    + s.contextLength);
        }
    }

    private void layersAndHead(LlamaState s, int firstLayer, int n, int pos0, int logitsFrom) {
        int dim = c.dim();
        int headDim = c.headDim();
        for (int l = firstLayer; l < c.layers(); l++) {
            LlamaWeights.Layer layer = w.layers()[l];

            // attention: rmsnorm, q k v projections
            for (int b = 0; b < n; b++) {
                LlamaOps.rmsNorm(s.xb[b], 0, s.x[b], 0, layer.attnNorm(), dim, c.rmsEps());
                s.actDim[b].set(s.xb[b], 0, dim);
            }
            layer.wq().matMul(s.actDim, 0, n, s.q, pool);
            layer.wk().matMul(s.actDim, 0, n, s.k, pool);
            layer.wv().matMul(s.actDim, 0, n, s.v, pool);

            // rope on queries and keys; the kv cache stores each position (rounded to F16 for an F16 cache)
            for (int b = 0; b < n; b++) {
                int pos = pos0 + b;
                LlamaOps.rope(s.q[b], 0, c.heads(), headDim, c.ropeDim(), pos, c.ropeFreqBase(), c.ropeFreqScale(),
                        s.ropeCos, s.ropeSin);
                LlamaOps.rope(s.k[b], 0, c.kvHeads(), headDim, c.ropeDim(), pos, c.ropeFreqBase(), c.ropeFreqScale(),
                        s.ropeCos, s.ropeSin);
                s.kvType.store(s.k[b], s.keyCache[l], pos * c.kvDim(), c.kvDim());
                s.kvType.store(s.v[b], s.valueCache[l], pos * c.kvDim(), c.kvDim());
                s.kvType.round(s.q[b], 0, c.qDim()); // ggml multiplies an F16 cache with F16 queries
            }

            // grouped-query attention, each token over positions 0..its own; heads split over threads, output into xb
            float[] keys = s.keyCache[l];
            float[] values = s.valueCache[l];
            long work = (long) c.heads() * n * (pos0 + n) * headDim;
            if (work < ATTENTION_PARALLEL_MIN) {
                for (int h = 0; h < c.heads(); h++) attendHeadOfBatch(s, keys, values, h, n, pos0);
            } else {
                pool.parallelFor(c.heads(), 1, (h0, h1) -> {
                    for (int h = h0; h < h1; h++) attendHeadOfBatch(s, keys, values, h, n, pos0);
                });
            }

            // attention output projection and residual
            for (int b = 0; b < n; b++) s.actDim[b].set(s.xb[b], 0, c.qDim());
            layer.wo().matMul(s.actDim, 0, n, s.xb2, pool);
            for (int b = 0; b < n; b++) LlamaOps.add(s.x[b], s.xb2[b], dim);

            // feed-forward: rmsnorm, swiglu(gate, up), down projection, residual
            for (int b = 0; b < n; b++) {
                LlamaOps.rmsNorm(s.xb[b], 0, s.x[b], 0, layer.ffnNorm(), dim, c.rmsEps());
                s.actDim[b].set(s.xb[b], 0, dim);
            }
            layer.wGate().matMul(s.actDim, 0, n, s.hb, pool);
            layer.wUp().matMul(s.actDim, 0, n, s.hb2, pool);
            for (int b = 0; b < n; b++) {
                LlamaOps.swiglu(s.hb[b], s.hb2[b], c.ffnDim());
                s.actFfn[b].set(s.hb[b], 0, c.ffnDim());
            }
            layer.wDown().matMul(s.actFfn, 0, n, s.xb2, pool);
            for (int b = 0; b < n; b++) LlamaOps.add(s.x[b], s.xb2[b], dim);
        }

        if (logitsFrom < n) {
            // final rmsnorm and output head, for the rows that want logits
            for (int b = logitsFrom; b < n; b++) {
                LlamaOps.rmsNorm(s.xb[b], 0, s.x[b], 0, w.outputNorm(), dim, c.rmsEps());
                s.actDim[b].set(s.xb[b], 0, dim);
            }
            w.output().matMul(s.actDim, logitsFrom, n, s.logits, pool);
        }
    }

    /** Head {@code h} of every batch token against the cached keys and values of its KV head. */
    private void attendHeadOfBatch(LlamaState s, float[] keys, float[] values, int h, int n, int pos0) {
        for (int b = 0; b < n; b++) attendHead(s, keys, values, h, b, pos0 + b);
    }

    /** One query head of batch token {@code b}, at position {@code pos}, against the cached keys and values. */
    private void attendHead(LlamaState s, float[] keys, float[] values, int h, int b, int pos) {
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        int qOff = h * headDim;
        int kvOff = (h / c.groupSize()) * headDim;
        int attOff = h * s.contextLength;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        // ggml's 16-lane order where the head dimension allows it (llama.cpp's F16 path), plain vectors otherwise
        boolean lanes16 = headDim % 16 == 0;
        float[] q = s.q[b];
        float[] out = s.xb[b];
        for (int t = 0; t <= pos; t++) {
            int k = t * kvDim + kvOff;
            s.att[attOff + t] = (lanes16 ? LlamaOps.dot16(keys, k, q, qOff, headDim)
                    : LlamaOps.dot(q, qOff, keys, k, headDim)) * scale;
        }
        LlamaOps.softmax(s.att, attOff, pos + 1);
        s.kvType.round(s.att, attOff, pos + 1); // and with F16 attention weights
        if (lanes16) {
            LlamaOps.weightedSum16(out, qOff, s.att, attOff, pos + 1, values, kvOff, kvDim, headDim, s.attLanes,
                    h * 16 * headDim);
            return;
        }
        java.util.Arrays.fill(out, qOff, qOff + headDim, 0f);
        for (int t = 0; t <= pos; t++) {
            LlamaOps.axpy(out, qOff, s.att[attOff + t], values, t * kvDim + kvOff, headDim);
        }
    }
}
