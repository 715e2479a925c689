package dev.hearth.gguf.cuda;

import dev.hearth.gguf.llama.LlamaConfig;

/**
 * GPU memory a model needs, planned before anything is allocated: weights, the F16 KV cache of one session for the
 * requested context, and the workspace (activations, logits, attention partials, driver headroom).
 */
record CudaMemoryPlan(long weights, long kvCache, long workspace, long free) {

    /** Kept free for the driver: modules, graphs, the context's own allocations. */
    static final long HEADROOM = 256L << 20;

    /** The plan for {@code gpuLayers} layers on the GPU (weights: the bytes uploaded for them). */
    static CudaMemoryPlan of(LlamaConfig c, long weightBytes, int context, int gpuLayers, long free) {
        return new CudaMemoryPlan(weightBytes, kvCacheBytes(c, context, gpuLayers),
                workspaceBytes(c, context) + HEADROOM, free);
    }

    /** Keys and values of {@code layers} layers at F16 for {@code context} positions. */
    static long kvCacheBytes(LlamaConfig c, int context, int layers) {
        return 2L * layers * context * c.kvDim() * 2;
    }

    static long workspaceBytes(LlamaConfig c, int context) {
        long floats = c.dim() + Math.max(c.dim(), c.qDim()) + c.qDim() + 2L * c.kvDim() + 2L * c.ffnDim()
                + c.vocabSize() + CudaAttention.workspaceFloats(c, maxChunks(context));
        return floats * 4 + 64 + CudaState.promptBytes(c, context);
    }

    static int maxChunks(int context) {
        return (context + CudaAttention.CHUNK - 1) / CudaAttention.CHUNK;
    }

    long total() {
        return weights + kvCache + workspace;
    }

    boolean fits() {
        return total() <= free;
    }

    /** e.g. {@code needs 2310.4 MiB (weights 2098.0, KV cache 44.0 for 2048 tokens, workspace 268.4); 1024.0 MiB free}. */
    String describe(int context) {
        return String.format("needs %.1f MiB (weights %.1f, KV cache %.1f for %d tokens, workspace %.1f); %.1f MiB free",
                mib(total()), mib(weights), mib(kvCache), context, mib(workspace), mib(free));
    }

    private static double mib(long b) {
        return b / 1048576.0;
    }
}
