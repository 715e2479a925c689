package dev.hearth.gguf.llama;

import dev.hearth.gguf.quant.Activation;

/**
 * The activations and KV cache of one session. Never shared between sessions; allocated once, so the forward pass
 * allocates nothing per token.
 */
public final class LlamaState {
    final int contextLength;
    final KvCacheType kvType;

    /** Residual stream: dim. */
    final float[] x;
    /** Normalised input of a block, then attention output heads: max(dim, qDim). */
    final float[] xb;
    /** Output of a projection back to dim. */
    final float[] xb2;
    /** Queries of all heads: qDim. */
    final float[] q;
    /** Key and value of the current position: kvDim. */
    final float[] k;
    final float[] v;
    /** Attention scores, one row of contextLength per head. */
    final float[] att;
    /** Per-head scratch of the attention-weighted value sums in 16 lanes: heads x 16 x headDim. */
    final float[] attLanes;
    /** SwiGLU gate and up projections: ffnDim. */
    final float[] hb;
    final float[] hb2;
    /** Output logits: vocab. */
    final float[] logits;
    /** KV cache per layer: contextLength x kvDim, position-major. */
    final float[][] keyCache;
    final float[][] valueCache;
    /** RoPE tables for the current position: ropeDim / 2. */
    final float[] ropeCos;
    final float[] ropeSin;
    /** Quantized forms of the vectors that feed matrix products. */
    final Activation actDim;
    final Activation actFfn;

    public LlamaState(LlamaConfig c, int contextLength, KvCacheType kvType) {
        if (contextLength <= 0) throw new IllegalArgumentException("context length must be > 0, was " + contextLength);
        this.contextLength = contextLength;
        this.kvType = kvType;
        int wide = Math.max(c.dim(), c.qDim());
        x = new float[c.dim()];
        xb = new float[wide];
        xb2 = new float[c.dim()];
        q = new float[c.qDim()];
        k = new float[c.kvDim()];
        v = new float[c.kvDim()];
        att = new float[c.heads() * contextLength];
        attLanes = new float[c.heads() * 16 * c.headDim()];
        hb = new float[c.ffnDim()];
        hb2 = new float[c.ffnDim()];
        logits = new float[c.vocabSize()];
        keyCache = new float[c.layers()][contextLength * c.kvDim()];
        valueCache = new float[c.layers()][contextLength * c.kvDim()];
        ropeCos = new float[c.ropeDim() / 2];
        ropeSin = new float[c.ropeDim() / 2];
        actDim = new Activation(wide);
        actFfn = new Activation(c.ffnDim());
    }

    /** The logits of the last evaluated token for which logits were computed. */
    public float[] logits() {
        return logits;
    }

    /** Bytes held by the KV cache. */
    public long kvCacheBytes() {
        return 2L * keyCache.length * (keyCache.length == 0 ? 0 : keyCache[0].length) * Float.BYTES;
    }
}
