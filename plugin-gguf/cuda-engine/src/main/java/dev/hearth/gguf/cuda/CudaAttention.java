package dev.hearth.gguf.cuda;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;
import dev.hearth.gguf.llama.LlamaConfig;
import jcuda.driver.CUdeviceptr;

/**
 * {@code attention.cu}: decode attention split over the sequence in chunks of {@link #CHUNK} positions: scores,
 * a softmax over the whole sequence rounded to F16 (the CPU engine's numerics), value sums per chunk, merged. The grid covers {@code chunks} chunks (a bucket); the length is read on the device.
 */
final class CudaAttention {

    /** Positions per chunk; CHUNK in attention.cu. */
    static final int CHUNK = 256;
    /** Largest head dimension the kernel holds in shared memory; MAX_HEAD_DIM in attention.cu. */
    static final int MAX_HEAD_DIM = 256;

    private final CudaKernel scores;
    private final CudaKernel softmax;
    private final CudaKernel values;
    private final CudaKernel combine;
    private final CudaKernel decode;
    /**
     * Buckets of at most this many chunks run the one-launch kernel (one block per head); system property
     * {@code hearth.cuda.attnFusedMaxChunks} (0: always the four split kernels, for comparisons).
     */
    static final int FUSED_MAX_CHUNKS = Integer.getInteger("hearth.cuda.attnFusedMaxChunks", 2);

    CudaAttention(CudaModule module) {
        scores = module.kernel("attn_scores");
        softmax = module.kernel("attn_softmax");
        values = module.kernel("attn_values");
        combine = module.kernel("attn_combine");
        decode = module.kernel("attn_decode");
    }

    /** Floats of workspace for {@code maxChunks} chunks per head: the scores, then the chunks' partial sums. */
    static long workspaceFloats(LlamaConfig c, int maxChunks) {
        return (long) c.heads() * maxChunks * CHUNK + (long) c.heads() * maxChunks * c.headDim();
    }

    void launch(CudaStream s, LlamaConfig c, CudaBuffer q, CUdeviceptr keyCache, CUdeviceptr valueCache,
                CudaBuffer workspace, CudaBuffer out, CudaBuffer params, int chunks, int maxChunks) {
        launch(s, c, q, keyCache, valueCache, workspace, out, params, chunks, maxChunks, 0, null, null);
    }

    /**
     * As {@link #launch(CudaStream, LlamaConfig, CudaBuffer, CUdeviceptr, CUdeviceptr, CudaBuffer, CudaBuffer,
     * CudaBuffer, int, int)} into {@code out.values()}, and, where the one-launch kernel serves the bucket and the
     * heads come in groups of 256 values, also rounds the output into the 8-bit forms of {@code out} that
     * {@code next} reads (what {@link CudaQuantize} would launch). Returns whether it did; if not, the caller
     * quantizes.
     */
    boolean launchRounded(CudaStream s, LlamaConfig c, CudaBuffer q, CUdeviceptr keyCache, CUdeviceptr valueCache,
                          CudaBuffer workspace, CudaActivation out, CudaBuffer params, int chunks, int maxChunks,
                          CudaBuffer groups, CudaTensor next) {
        int forms = switch (next.type().activationFormat()) {
            case Q8_0 -> 1;
            case Q8_K -> 2;
            case F32 -> 0;
        };
        boolean rounds = forms != 0 && chunks <= FUSED_MAX_CHUNKS && 256 % c.headDim() == 0 && c.qDim() % 256 == 0;
        launch(s, c, q, keyCache, valueCache, workspace, out.values(), params, chunks, maxChunks, rounds ? forms : 0,
                out, groups);
        return rounds || forms == 0;
    }

    private void launch(CudaStream s, LlamaConfig c, CudaBuffer q, CUdeviceptr keyCache, CUdeviceptr valueCache,
                        CudaBuffer workspace, CudaBuffer out, CudaBuffer params, int chunks, int maxChunks, int forms,
                        CudaActivation act, CudaBuffer groups) {
        float scale = (float) (1.0 / Math.sqrt(c.headDim()));
        CUdeviceptr sc = workspace.pointer();
        if (chunks <= FUSED_MAX_CHUNKS) {
            Object none = 0L;
            decode.launch(s, c.heads(), 1, 256, 0, q, keyCache, valueCache, sc, out, params, c.heads(), c.kvHeads(),
                    c.headDim(), maxChunks, scale, forms, forms != 0 ? act.q8_0() : none,
                    forms != 0 ? act.d8_0() : none, forms != 0 ? act.q8_K() : none, forms != 0 ? act.d8_K() : none,
                    forms != 0 ? groups : none);
            return;
        }
        CUdeviceptr partial = workspace.pointer((long) c.heads() * maxChunks * CHUNK * 4);
        scores.launch(s, c.heads(), chunks, 128, 0, q, keyCache, sc, params, c.heads(), c.kvHeads(), c.headDim(),
                maxChunks, scale);
        softmax.launch(s, c.heads(), 1, 256, 0, sc, params, maxChunks);
        values.launch(s, c.heads(), chunks, 128, 0, sc, valueCache, partial, params, c.heads(), c.kvHeads(),
                c.headDim(), maxChunks);
        combine.launch(s, c.heads(), 1, (c.headDim() + 31) / 32 * 32, 0, partial, out, params, c.headDim(),
                maxChunks);
    }
}
