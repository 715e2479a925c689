package dev.hearth.gguf.llama;

import dev.hearth.gguf.engine.WorkerPool;

/** The Llama forward pass for one token at a time, on the CPU. */
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
     * Runs {@code token} at position {@code pos}, writing its key and value into the cache; when {@code logits} is
     * true, leaves the next-token logits in {@code s.logits()}.
     */
    public void forward(LlamaState s, int token, int pos, boolean logits) {
        if (token < 0 || token >= c.vocabSize()) {
            throw new IllegalArgumentException("token id " + token + " outside the vocabulary of " + c.vocabSize());
        }
        if (pos < 0 || pos >= s.contextLength) {
            throw new IllegalArgumentException("position " + pos + " outside the context of " + s.contextLength);
        }
        int dim = c.dim();
        int kvDim = c.kvDim();
        int headDim = c.headDim();

        // embedding: the token's row of token_embd
        w.tokenEmbedding().dequantizeRow(token, s.x, 0);

        for (int l = 0; l < c.layers(); l++) {
            LlamaWeights.Layer layer = w.layers()[l];

            // attention: rmsnorm, q k v projections
            LlamaOps.rmsNorm(s.xb, 0, s.x, 0, layer.attnNorm(), dim, c.rmsEps());
            s.actDim.set(s.xb, 0, dim);
            layer.wq().matVec(s.actDim, s.q, pool);
            layer.wk().matVec(s.actDim, s.k, pool);
            layer.wv().matVec(s.actDim, s.v, pool);

            // rope on queries and keys
            LlamaOps.rope(s.q, 0, c.heads(), headDim, c.ropeDim(), pos, c.ropeFreqBase(), c.ropeFreqScale(),
                    s.ropeCos, s.ropeSin);
            LlamaOps.rope(s.k, 0, c.kvHeads(), headDim, c.ropeDim(), pos, c.ropeFreqBase(), c.ropeFreqScale(),
                    s.ropeCos, s.ropeSin);

            // kv cache: store this position (rounded to F16 for an F16 cache)
            s.kvType.store(s.k, s.keyCache[l], pos * kvDim, kvDim);
            s.kvType.store(s.v, s.valueCache[l], pos * kvDim, kvDim);
            s.kvType.round(s.q, 0, s.q.length); // ggml multiplies an F16 cache with F16 queries

            // grouped-query attention over positions 0..pos, heads split over threads; output heads into xb
            float[] keys = s.keyCache[l];
            float[] values = s.valueCache[l];
            if ((long) c.heads() * (pos + 1) * headDim < ATTENTION_PARALLEL_MIN) {
                for (int h = 0; h < c.heads(); h++) attendHead(s, keys, values, h, pos);
            } else {
                pool.parallelFor(c.heads(), 1, (h0, h1) -> {
                    for (int h = h0; h < h1; h++) attendHead(s, keys, values, h, pos);
                });
            }

            // attention output projection and residual
            s.actDim.set(s.xb, 0, c.qDim());
            layer.wo().matVec(s.actDim, s.xb2, pool);
            LlamaOps.add(s.x, s.xb2, dim);

            // feed-forward: rmsnorm, swiglu(gate, up), down projection, residual
            LlamaOps.rmsNorm(s.xb, 0, s.x, 0, layer.ffnNorm(), dim, c.rmsEps());
            s.actDim.set(s.xb, 0, dim);
            layer.wGate().matVec(s.actDim, s.hb, pool);
            layer.wUp().matVec(s.actDim, s.hb2, pool);
            LlamaOps.swiglu(s.hb, s.hb2, c.ffnDim());
            s.actFfn.set(s.hb, 0, c.ffnDim());
            layer.wDown().matVec(s.actFfn, s.xb2, pool);
            LlamaOps.add(s.x, s.xb2, dim);
        }

        if (logits) {
            // final rmsnorm and output head
            LlamaOps.rmsNorm(s.xb, 0, s.x, 0, w.outputNorm(), dim, c.rmsEps());
            s.actDim.set(s.xb, 0, dim);
            w.output().matVec(s.actDim, s.logits, pool);
        }
    }

    /** One query head against the cached keys and values of its KV head. */
    private void attendHead(LlamaState s, float[] keys, float[] values, int h, int pos) {
        int headDim = c.headDim();
        int kvDim = c.kvDim();
        int qOff = h * headDim;
        int kvOff = (h / c.groupSize()) * headDim;
        int attOff = h * s.contextLength;
        float scale = (float) (1.0 / Math.sqrt(headDim));
        // ggml's 16-lane order where the head dimension allows it (llama.cpp's F16 path), plain vectors otherwise
        boolean lanes16 = headDim % 16 == 0;
        for (int t = 0; t <= pos; t++) {
            int k = t * kvDim + kvOff;
            s.att[attOff + t] = (lanes16 ? LlamaOps.dot16(keys, k, s.q, qOff, headDim)
                    : LlamaOps.dot(s.q, qOff, keys, k, headDim)) * scale;
        }
        LlamaOps.softmax(s.att, attOff, pos + 1);
        s.kvType.round(s.att, attOff, pos + 1); // and with F16 attention weights
        if (lanes16) {
            LlamaOps.weightedSum16(s.xb, qOff, s.att, attOff, pos + 1, values, kvOff, kvDim, headDim, s.attLanes,
                    h * 16 * headDim);
            return;
        }
        java.util.Arrays.fill(s.xb, qOff, qOff + headDim, 0f);
        for (int t = 0; t <= pos; t++) {
            LlamaOps.axpy(s.xb, qOff, s.att[attOff + t], values, t * kvDim + kvOff, headDim);
        }
    }
}
