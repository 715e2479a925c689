package dev.hearth.gguf.cuda;

import java.util.Arrays;
import java.util.EnumSet;
import java.util.Set;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaStream;
import dev.hearth.gguf.quant.ActivationFormat;
import dev.hearth.gguf.llama.LlamaConfig;
import jcuda.driver.CUdeviceptr;

/**
 * The Llama forward pass for one token on the GPU, the same steps as {@code LlamaForward}: it enqueues every kernel
 * of a decode step on a stream. The token and position are read from {@code CudaState.params} on the device, so the
 * enqueued work can be captured once as a graph and replayed for every token of a context bucket.
 */
final class CudaForward {

    /**
     * Whether the output projection, the down projection and the head share long rows among warps (CudaMatVec);
     * system property {@code hearth.cuda.splitRows}, for comparisons.
     */
    private static final boolean SPLIT_ROWS = Boolean.parseBoolean(System.getProperty("hearth.cuda.splitRows", "true"));

    private final LlamaConfig c;
    private final CudaWeights w;
    private final CudaKernels k;

    CudaForward(LlamaConfig config, CudaWeights weights, CudaKernels kernels) {
        this.c = config;
        this.w = weights;
        this.k = kernels;
    }

    LlamaConfig config() {
        return c;
    }

    /** Layers on the GPU: all of them, or the first few of a partial offload (the CPU runs the rest and the head). */
    int gpuLayers() {
        return w.layers.length;
    }

    /**
     * Enqueues one step for positions up to {@code chunks * CHUNK}: the embedding and the GPU layers, leaving the
     * hidden state in {@code st.x}; with {@code logits} (only when every layer is on the GPU), also the output head
     * and the argmax into {@code params[2]}. {@code fuse} false: one kernel per op (tests); {@code overlap}: every
     * kernel after the embedding may start while the one before still runs (each waits for it before touching
     * activations, common.cuh), so launch gaps and weight fetches overlap.
     */
    void enqueue(CudaStream s, CudaState st, int chunks, boolean logits, boolean fuse, boolean overlap) {
        // embedding: the token's row of token_embd (after the host's copy of the token id, so never overlapped)
        k.embed.launch(s, w.tokenEmbedding, st.params, st.x);
        s.overlapLaunches(overlap);
        try {
            enqueueLayersAndHead(s, st, chunks, logits, fuse);
        } finally {
            s.overlapLaunches(false);
        }
    }

    private void enqueueLayersAndHead(CudaStream s, CudaState st, int chunks, boolean logits, boolean fuse) {
        for (int l = 0; l < w.layers.length; l++) {
            CudaWeights.Layer layer = w.layers[l];
            if (fuse && fused(layer)) {
                enqueueFusedLayer(s, st, l, layer, chunks);
                continue;
            }

            // attention: rmsnorm, q k v projections
            k.rmsNorm.launch(s, st.x, layer.attnNorm(), st.xb, c.dim(), c.rmsEps());
            k.quantize.launch(s, st.xbAct, c.dim(), layer.wq(), layer.wk(), layer.wv());
            k.matVec.launch(s, layer.wq(), st.xbAct, st.q, false, false);
            k.matVec.launch(s, layer.wk(), st.xbAct, st.k, false, false);
            k.matVec.launch(s, layer.wv(), st.xbAct, st.v, false, false);

            // rope on queries and keys; this position's key and value into the F16 cache
            k.rope.launch(s, c, st.q, st.k, st.v, st.keyCache(l), st.valueCache(l), st.params, w.ropeFreqs);

            // grouped-query attention over positions 0..pos, heads into xb
            k.attention.launch(s, c, st.q, st.keyCache(l), st.valueCache(l), st.attention, st.xb, st.params,
                    chunks, st.maxChunks);

            // attention output projection added to the residual
            k.quantize.launch(s, st.xbAct, c.qDim(), layer.wo());
            k.matVec.launch(s, layer.wo(), st.xbAct, st.x, true, SPLIT_ROWS);

            // feed-forward: rmsnorm, swiglu(gate, up), down projection added to the residual
            k.rmsNorm.launch(s, st.x, layer.ffnNorm(), st.xb, c.dim(), c.rmsEps());
            k.quantize.launch(s, st.xbAct, c.dim(), layer.wGate(), layer.wUp());
            k.matVec.launch(s, layer.wGate(), st.xbAct, st.hb, false, false);
            k.matVec.launch(s, layer.wUp(), st.xbAct, st.hb2, false, false);
            k.swiglu.launch(s, st.hb, st.hb2, c.ffnDim());
            k.quantize.launch(s, st.hbAct, c.ffnDim(), layer.wDown());
            k.matVec.launch(s, layer.wDown(), st.hbAct, st.x, true, SPLIT_ROWS);
        }

        if (logits) {
            // final rmsnorm, output head, greedy token
            if (fuse && normQuantizable()) {
                k.rmsNorm.launchQuant(s, st.x, w.outputNorm, st.xbAct, c.dim(), c.rmsEps(), w.output);
            } else {
                k.rmsNorm.launch(s, st.x, w.outputNorm, st.xb, c.dim(), c.rmsEps());
                k.quantize.launch(s, st.xbAct, c.dim(), w.output);
            }
            k.matVec.launch(s, w.output, st.xbAct, st.logits, false, SPLIT_ROWS);
            k.argmax.launch(s, st.logits, c.vocabSize(), st.params, st.argmaxWork);
        }
    }

    /** Whether rmsnorm_quant serves dim-wide inputs (its Q8_0 / Q8_K loops need whole blocks). */
    private boolean normQuantizable() {
        return c.dim() % 32 == 0;
    }

    /** Whether {@link #enqueueFusedLayer} serves this layer (else the one-kernel-per-op steps run). */
    private boolean fused(CudaWeights.Layer layer) {
        int rows = CudaMatVec.ROWS_PER_BLOCK;
        return normQuantizable() && c.headDim() % 2 == 0 && c.qDim() % rows == 0 && c.kvDim() % rows == 0
                && layer.wq().rows() == c.qDim() && layer.wk().rows() == c.kvDim() && layer.wv().rows() == c.kvDim()
                && layer.wGate().rows() == layer.wUp().rows() && c.headDim() <= CudaAttention.MAX_HEAD_DIM
                && CudaMatVec.fusable(layer.wq(), layer.wk(), layer.wv()) && CudaMatVec.fusable(layer.wGate(), layer.wUp());
    }

    /**
     * One layer of a decode step in 8 launches instead of 17, with the same numerics: rmsnorm + activation
     * quantization; Q, K, V + RoPE + KV-cache store; attention (one launch for short buckets, which on Hopper also
     * rounds its output for the output projection; elsewhere a quantization launch follows); output projection +
     * residual; rmsnorm + quantization; gate + up + SwiGLU; quantization; down projection + residual.
     */
    private void enqueueFusedLayer(CudaStream s, CudaState st, int l, CudaWeights.Layer layer, int chunks) {
        k.rmsNorm.launchQuant(s, st.x, layer.attnNorm(), st.xbAct, c.dim(), c.rmsEps(), layer.wq(), layer.wk(),
                layer.wv());
        k.matVec.launchQkvRope(s, c, layer.wq(), layer.wk(), layer.wv(), st.xbAct, st.q, st.keyCache(l),
                st.valueCache(l), st.params, w.ropeFreqs);
        if (!k.attention.launchRounded(s, c, st.q, st.keyCache(l), st.valueCache(l), st.attention, st.xbAct,
                st.params, chunks, st.maxChunks, layer.wo())) {
            k.quantize.launch(s, st.xbAct, c.qDim(), layer.wo());
        }
        k.matVec.launch(s, layer.wo(), st.xbAct, st.x, true, SPLIT_ROWS);
        k.rmsNorm.launchQuant(s, st.x, layer.ffnNorm(), st.xbAct, c.dim(), c.rmsEps(), layer.wGate(), layer.wUp());
        k.matVec.launchGateUp(s, layer.wGate(), layer.wUp(), st.xbAct, st.hb);
        k.quantize.launch(s, st.hbAct, c.ffnDim(), layer.wDown());
        k.matVec.launch(s, layer.wDown(), st.hbAct, st.x, true, SPLIT_ROWS);
    }

    /** Whether {@link #enqueuePrompt} serves this model (else prompts run token by token). */
    boolean batchedPrompt() {
        if (c.headDim() > CudaPrompt.MAX_HEAD_DIM) return false;
        for (CudaWeights.Layer l : w.layers) {
            if (formats(l.wq(), l.wk(), l.wv()).size() > 2 || formats(l.wGate(), l.wUp()).size() > 2) return false;
        }
        return true;
    }

    private static Set<ActivationFormat> formats(CudaTensor... consumers) {
        Set<ActivationFormat> formats = EnumSet.noneOf(ActivationFormat.class);
        for (CudaTensor t : consumers) formats.add(t.type().activationFormat());
        return formats;
    }

    /**
     * Enqueues the prompt pass over the {@code n} tokens in {@code st.pTokens} at positions {@code pos0..pos0+n-1}:
     * the KV cache of every GPU layer is written for them, their hidden states are left in {@code st.pX}, and with
     * {@code logitsFrom < n} (only when every layer is on the GPU) the logits of rows {@code logitsFrom..n-1} land in
     * {@code st.pLogits} (row i - logitsFrom).
     */
    void enqueuePrompt(CudaStream s, CudaState st, int n, int pos0, int logitsFrom) {
        CudaPrompt p = k.prompt;
        p.embed(s, w.tokenEmbedding, st.pTokens, st.pX, n);
        for (int l = 0; l < w.layers.length; l++) {
            CudaWeights.Layer layer = w.layers[l];

            // rmsnorm (in the activation rounding), q k v
            CudaPrompt.Act[] in = act(s, st, st.pX.pointer(), null, layer.attnNorm(), n, c.dim(), layer.wq(),
                    layer.wk(), layer.wv());
            products(s, st, in, n, false, new CudaPrompt.Product(layer.wq(), st.pQ.pointer(), c.qDim()),
                    new CudaPrompt.Product(layer.wk(), st.pK.pointer(), c.kvDim()),
                    new CudaPrompt.Product(layer.wv(), st.pV.pointer(), c.kvDim()));

            p.rope(s, c, st.pQ, st.pK, st.pV, st.keyCache(l), st.valueCache(l), n, pos0, w.ropeFreqs);
            p.attention(s, c, st.pQ, st.keyCache(l), st.valueCache(l), st.pXb, n, pos0);

            // output projection and residual
            in = act(s, st, st.pXb.pointer(), null, null, n, c.qDim(), layer.wo());
            products(s, st, in, n, true, new CudaPrompt.Product(layer.wo(), st.pX.pointer(), c.dim()));

            // rmsnorm (in the activation rounding), gate and up
            in = act(s, st, st.pX.pointer(), null, layer.ffnNorm(), n, c.dim(), layer.wGate(), layer.wUp());
            products(s, st, in, n, false, new CudaPrompt.Product(layer.wGate(), st.pHb.pointer(), c.ffnDim()),
                    new CudaPrompt.Product(layer.wUp(), st.pHb2.pointer(), c.ffnDim()));
            // swiglu (in the activation rounding), down and residual
            in = act(s, st, st.pHb.pointer(), st.pHb2.pointer(), null, n, c.ffnDim(), layer.wDown());
            products(s, st, in, n, true, new CudaPrompt.Product(layer.wDown(), st.pX.pointer(), c.dim()));
        }
        if (logitsFrom < n) {
            int rows = n - logitsFrom;
            CudaPrompt.Act[] in = act(s, st, st.pX.pointer((long) logitsFrom * c.dim() * 4), null, w.outputNorm, rows,
                    c.dim(), w.output);
            products(s, st, in, rows, false, new CudaPrompt.Product(w.output, st.pLogits.pointer(), c.vocabSize()));
        }
    }

    /**
     * What each consumer reads: the rows x (or silu(x) * up, or x RMSNorm'ed with norm) rounded for its activation
     * format, one act_rows pass per distinct format into one of two buffers ({@link #batchedPrompt()} refuses
     * groups of three formats).
     */
    private CudaPrompt.Act[] act(CudaStream s, CudaState st, CUdeviceptr x, CUdeviceptr up, CudaBuffer norm,
                                 int rows, int width, CudaTensor... consumers) {
        Set<ActivationFormat> formats = formats(consumers);
        CudaPrompt.Act[] out = new CudaPrompt.Act[consumers.length];
        ActivationFormat first = null;
        for (ActivationFormat f : formats) {
            CudaPrompt.Act b = first == null ? st.pAct0 : st.pAct1;
            if (first == null) first = f;
            k.prompt.act(s, x, up, norm, c.rmsEps(), rows, width, b, st.actLd, f);
            for (int i = 0; i < consumers.length; i++) {
                if (consumers[i].type().activationFormat() == f) out[i] = b;
            }
        }
        return out;
    }

    /** The products, product i on activation in[i]; runs on one activation go to the product kernels together. */
    private void products(CudaStream s, CudaState st, CudaPrompt.Act[] in, int rows, boolean accumulate,
                          CudaPrompt.Product... ps) {
        for (int i = 0; i < ps.length; ) {
            int j = i + 1;
            while (j < ps.length && in[j] == in[i]) j++;
            k.prompt.gemm(s, in[i], st.actLd, rows, accumulate, Arrays.copyOfRange(ps, i, j));
            i = j;
        }
    }
}
