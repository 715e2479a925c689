package dev.hearth.gguf.cuda;

import java.util.ArrayList;
import java.util.List;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaDevice;
import dev.hearth.cuda.api.CudaHostBuffer;
import dev.hearth.gguf.llama.LlamaConfig;
import jcuda.driver.CUdeviceptr;

/**
 * The device activations and F16 KV cache of one session, and the page-locked host buffers that feed and read a
 * step. Never shared between sessions. {@code params} holds the step's inputs and outputs on the device, so a
 * captured graph serves every token: {@code [0]} token id, {@code [1]} position, {@code [2]} greedy token.
 */
final class CudaState implements AutoCloseable {

    /** Steps enqueued before the host waits (the ring of page-locked parameter slots). */
    static final int RING = 256;
    /** Bytes per parameter slot. */
    static final int SLOT = 16;

    final int contextLength;
    final int maxChunks;
    private final List<AutoCloseable> owned = new ArrayList<>();
    final CudaBuffer params;
    /** Residual stream: dim. */
    final CudaBuffer x;
    /** Normalised input of a block, then the attention output heads: max(dim, qDim). */
    final CudaBuffer xb;
    final CudaBuffer q;
    final CudaBuffer k;
    final CudaBuffer v;
    /** SwiGLU gate and up: ffnDim. */
    final CudaBuffer hb;
    final CudaBuffer hb2;
    final CudaBuffer logits;
    /** Attention partials: heads x maxChunks x (headDim + 2). */
    final CudaBuffer attention;
    /** The greedy argmax's per-block bests and counter. */
    final CudaBuffer argmaxWork;
    /** Keys then values: GPU layers x contextLength x kvDim halves each. */
    final CudaBuffer kvCache;
    /** 8-bit forms of the input of the next matrix products (xb or hb), refilled before each group. */
    final CudaActivation xbAct;
    final CudaActivation hbAct;
    final CudaHostBuffer paramsHost;
    final CudaHostBuffer logitsHost;
    /** Prompt pass (up to {@code batch} tokens, rows of the widths above): token ids, activations, logits rows. */
    final int batch;
    final int actLd;
    final CudaBuffer pTokens;
    final CudaBuffer pX;
    final CudaBuffer pXb;
    final CudaBuffer pQ;
    final CudaBuffer pK;
    final CudaBuffer pV;
    final CudaBuffer pHb;
    final CudaBuffer pHb2;
    /** F16 rows for the matrix products: two, for consumers that round the same input differently. */
    final CudaPrompt.Act pAct0;
    final CudaPrompt.Act pAct1;
    final CudaBuffer pLogits;
    final CudaHostBuffer tokensHost;
    private final long layerCacheBytes;
    private final long valuesOffset;

    /** Buffers for a session whose KV cache holds {@code layers} layers (those on the GPU). */
    CudaState(CudaDevice device, String owner, LlamaConfig c, int contextLength, int layers) {
        this.contextLength = contextLength;
        this.maxChunks = CudaMemoryPlan.maxChunks(contextLength);
        try {
            params = alloc(device, owner, SLOT);
            x = alloc(device, owner, c.dim() * 4L);
            xb = alloc(device, owner, Math.max(c.dim(), c.qDim()) * 4L);
            q = alloc(device, owner, c.qDim() * 4L);
            k = alloc(device, owner, c.kvDim() * 4L);
            v = alloc(device, owner, c.kvDim() * 4L);
            hb = alloc(device, owner, c.ffnDim() * 4L);
            hb2 = alloc(device, owner, c.ffnDim() * 4L);
            logits = alloc(device, owner, c.vocabSize() * 4L);
            attention = alloc(device, owner, CudaAttention.workspaceFloats(c, maxChunks) * 4);
            argmaxWork = alloc(device, owner, CudaArgmax.WORK_BYTES);
            argmaxWork.fill((byte) 0);
            layerCacheBytes = (long) contextLength * c.kvDim() * 2;
            valuesOffset = layerCacheBytes * layers;
            // no layers with --gpu-layers 0, but the driver refuses an allocation of 0 bytes
            kvCache = alloc(device, owner, Math.max(2 * valuesOffset, 4));
            long widest = (Math.max(Math.max(c.dim(), c.qDim()), c.ffnDim()) + 255) / 256 * 256;
            xbAct = new CudaActivation(xb, alloc(device, owner, widest), alloc(device, owner, widest / 32 * 4),
                    alloc(device, owner, widest), alloc(device, owner, CudaQuantize.q8kScaleBytes(widest)));
            hbAct = xbAct.with(hb);
            paramsHost = host(device, owner, (long) RING * SLOT);
            logitsHost = host(device, owner, c.vocabSize() * 4L);
            batch = batch(contextLength);
            actLd = CudaPrompt.ld(Math.max(Math.max(c.dim(), c.qDim()), c.ffnDim()));
            pTokens = alloc(device, owner, batch * 4L);
            pX = alloc(device, owner, (long) batch * c.dim() * 4);
            pXb = alloc(device, owner, (long) batch * Math.max(c.dim(), c.qDim()) * 4);
            pQ = alloc(device, owner, (long) batch * c.qDim() * 4);
            pK = alloc(device, owner, (long) batch * c.kvDim() * 4);
            pV = alloc(device, owner, (long) batch * c.kvDim() * 4);
            pHb = alloc(device, owner, (long) batch * c.ffnDim() * 4);
            pHb2 = alloc(device, owner, (long) batch * c.ffnDim() * 4);
            pAct0 = new CudaPrompt.Act(alloc(device, owner, (long) batch * actLd * 2),
                    alloc(device, owner, (long) batch * actLd / 32 * 4), alloc(device, owner, (long) batch * actLd / 16 * 4));
            pAct1 = new CudaPrompt.Act(alloc(device, owner, (long) batch * actLd * 2),
                    alloc(device, owner, (long) batch * actLd / 32 * 4), alloc(device, owner, (long) batch * actLd / 16 * 4));
            pLogits = alloc(device, owner, (long) batch * c.vocabSize() * 4);
            tokensHost = host(device, owner, batch * 4L);
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /** Tokens per prompt pass for a context of {@code contextLength}. */
    static int batch(int contextLength) {
        return Math.min(CudaPrompt.MAX_BATCH, contextLength);
    }

    /** Device bytes of the prompt-pass buffers (see the fields), for the memory plan. */
    static long promptBytes(LlamaConfig c, int contextLength) {
        long b = batch(contextLength);
        long ld = CudaPrompt.ld(Math.max(Math.max(c.dim(), c.qDim()), c.ffnDim()));
        return b * 4 * (1 + c.dim() + Math.max(c.dim(), c.qDim()) + c.qDim() + 2L * c.kvDim() + 2L * c.ffnDim()
                + c.vocabSize()) + 2 * b * (ld * 2 + ld / 32 * 4 + ld / 16 * 4);
    }

    CUdeviceptr keyCache(int layer) {
        return kvCache.pointer(layer * layerCacheBytes);
    }

    CUdeviceptr valueCache(int layer) {
        return kvCache.pointer(valuesOffset + layer * layerCacheBytes);
    }

    private CudaBuffer alloc(CudaDevice device, String owner, long bytes) {
        CudaBuffer b = device.allocate(bytes, owner);
        owned.add(b);
        return b;
    }

    private CudaHostBuffer host(CudaDevice device, String owner, long bytes) {
        CudaHostBuffer b = device.allocateHost(bytes, owner);
        owned.add(b);
        return b;
    }

    @Override
    public void close() {
        for (AutoCloseable c : owned) {
            try {
                c.close();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }
        owned.clear();
    }
}
