package dev.hearth.gguf.llama;

import dev.hearth.gguf.quant.Activation;

/**
 * The activations and KV cache of one session. Activations hold a batch of up to {@link #batch()} tokens, one array
 * per token. Never shared between sessions; allocated once, so the forward pass allocates nothing per token.
 */
public final class LlamaState {
    /**
     * Tokens evaluated together at most: the prompt goes through in batches of this size, and each batch decodes
     * every weight row once. pp512 on the 16-core Xeon (2026-11-27, tokens/s, two processes each, one call a line):
     * <ul>
     *   <li>32 / 48 / 64: F16 232-251 / 260-264 / 265-275, Q4_K_M 194-209 / 199-208 / 227-237, Q8_0 231-259 /
     *       266-277 / 248-260;</li>
     *   <li>64 / 96 / 128: F16 262-275 / 312-325 / 282-292, Q4_K_M 207-218 / 201-204 / 198-211;</li>
     *   <li>64 / 96: Q4_K_M 175 / 176-177, Q8_0 233 / 204 (a noisier machine).</li>
     * </ul>
     */
    public static final int MAX_BATCH = 96;

    final int contextLength;
    final KvCacheType kvType;

    /** Residual stream: dim per token. */
    final float[][] x;
    /** Normalised input of a block, then attention output heads: max(dim, qDim) per token. */
    final float[][] xb;
    /** Output of a projection back to dim. */
    final float[][] xb2;
    /** Queries of all heads: qDim per token. */
    final float[][] q;
    /** Keys and values of the batch's positions: kvDim per token. */
    final float[][] k;
    final float[][] v;
    /**
     * Parts of a batch's rows whose attention runs in parallel per head ({@link LlamaForward}): 4 parts of 32
     * heads are 128 pieces of work, which 15 threads share within 6 % of evenly.
     */
    static final int ATTENTION_PARTS = 4;
    /** Attention scores, one row of contextLength per head and part of the batch rows (one slot each). */
    final float[] att;
    /** SwiGLU gate and up projections: ffnDim per token. */
    final float[][] hb;
    final float[][] hb2;
    /**
     * Output logits, vocab per token, each row made when first asked for: a prompt wants the last row's only, and a
     * batch of rows of a 128k vocabulary would take 49 MB a session.
     */
    private final float[][] logits;
    /** KV cache per layer: contextLength x kvDim, position-major; null for layers that run elsewhere. */
    final float[][] keyCache;
    final float[][] valueCache;
    /** RoPE tables of each batch row's position: ropeDim / 2 per row (rows are rotated in parallel). */
    final float[][] ropeCos;
    final float[][] ropeSin;
    /** Quantized forms of the rows that feed matrix products: one per token. */
    final Activation[] actDim;
    final Activation[] actFfn;
    /** What {@link LlamaForward} hands to the pool for this state, made on its first pass. */
    LlamaForward.Steps steps;
    /**
     * Per batch row, filled by {@link LlamaForward} before each pass: the sequence whose KV cache and attention
     * scratch the row uses (this state for a prompt, another session's for a step over several sequences), the
     * row's position, and where its logits go.
     */
    final LlamaState[] rowSequence;
    final int[] rowPosition;
    final float[][] rowLogits;

    public LlamaState(LlamaConfig c, int contextLength, KvCacheType kvType) {
        this(c, contextLength, kvType, MAX_BATCH);
    }

    public LlamaState(LlamaConfig c, int contextLength, KvCacheType kvType, int batch) {
        this(c, contextLength, kvType, batch, 0);
    }

    /**
     * A state for {@link LlamaForward#forwardFrom} layers {@code firstLayer..}: the layers before it run elsewhere (a
     * GPU's partial offload) and get no KV cache here.
     */
    public static LlamaState fromLayer(LlamaConfig c, int contextLength, KvCacheType kvType, int firstLayer) {
        return new LlamaState(c, contextLength, kvType, MAX_BATCH, firstLayer);
    }

    private LlamaState(LlamaConfig c, int contextLength, KvCacheType kvType, int batch, int firstLayer) {
        if (contextLength <= 0) throw new IllegalArgumentException("context length must be > 0, was " + contextLength);
        if (batch <= 0) throw new IllegalArgumentException("batch must be > 0, was " + batch);
        this.contextLength = contextLength;
        this.kvType = kvType;
        int wide = Math.max(c.dim(), c.qDim());
        x = new float[batch][c.dim()];
        xb = new float[batch][wide];
        xb2 = new float[batch][c.dim()];
        q = new float[batch][c.qDim()];
        k = new float[batch][c.kvDim()];
        v = new float[batch][c.kvDim()];
        att = new float[c.heads() * ATTENTION_PARTS * contextLength];
        hb = new float[batch][c.ffnDim()];
        hb2 = new float[batch][c.ffnDim()];
        logits = new float[batch][];
        logits[0] = new float[c.vocabSize()]; // decode steps write here (LlamaForward#decode)
        keyCache = new float[c.layers()][];
        valueCache = new float[c.layers()][];
        for (int l = firstLayer; l < c.layers(); l++) {
            keyCache[l] = new float[contextLength * c.kvDim()];
            valueCache[l] = new float[contextLength * c.kvDim()];
        }
        ropeCos = new float[batch][c.ropeDim() / 2];
        ropeSin = new float[batch][c.ropeDim() / 2];
        actDim = new Activation[batch];
        actFfn = new Activation[batch];
        for (int b = 0; b < batch; b++) {
            actDim[b] = new Activation(wide);
            actFfn[b] = new Activation(c.ffnDim());
        }
        rowSequence = new LlamaState[batch];
        rowPosition = new int[batch];
        rowLogits = new float[batch][];
    }

    /** Batch row {@code b}'s hidden state (the residual stream, {@code dim} floats), for {@link LlamaForward#forwardFrom}. */
    public float[] hidden(int b) {
        return x[b];
    }

    /** Tokens one {@link LlamaForward#forward} call takes at most. */
    public int batch() {
        return x.length;
    }

    /** The logits of batch row {@code b}, when the last forward computed them. */
    public float[] logits(int b) {
        float[] row = logits[b];
        if (row == null) throw new IllegalStateException("no logits computed for batch row " + b);
        return row;
    }

    /** Batch row {@code b}'s logits array, made on first use. */
    float[] logitsRow(int b) {
        if (logits[b] == null) logits[b] = new float[logits[0].length];
        return logits[b];
    }

    /** Bytes held by the KV cache. */
    public long kvCacheBytes() {
        long floats = 0;
        for (float[] layer : keyCache) floats += layer == null ? 0 : layer.length;
        return 2 * floats * Float.BYTES;
    }
}
