package dev.hearth.gguf.cuda;

import java.util.HashMap;
import java.util.Map;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;
import dev.hearth.gguf.llama.LlamaConfig;
import jcuda.driver.CUdeviceptr;

/**
 * {@code attention.cu}: decode attention split over the sequence in chunks of {@link #CHUNK} positions: scores,
 * a softmax over the whole sequence rounded to F16 (the CPU engine's numerics), value sums per chunk, merged; short
 * buckets in one launch. The grid covers {@code chunks} chunks (a bucket); the length is read on the device.
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
     * Buckets of at most this many chunks run the one-launch kernel, whose shared memory holds FUSED_POSITIONS =
     * 2 * CHUNK scores; system property {@code hearth.cuda.attnFusedMaxChunks} lowers it (0: always the four split
     * kernels, for comparisons).
     */
    static final int FUSED_MAX_CHUNKS = Math.min(2, Integer.getInteger("hearth.cuda.attnFusedMaxChunks", 2));
    /** False: never the cluster-rounded kernels (system property {@code hearth.cuda.attnRound}, for comparisons). */
    private static final boolean ROUNDS = Boolean.parseBoolean(System.getProperty("hearth.cuda.attnRound", "true"));
    /** attn_decode_rounded_CL by CL, the heads per 256 outputs (Hopper on: thread block clusters); else empty. */
    private final Map<Integer, CudaKernel> rounded = new HashMap<>();

    CudaAttention(CudaModule module, int computeCapability) {
        scores = module.kernel("attn_scores");
        softmax = module.kernel("attn_softmax");
        values = module.kernel("attn_values");
        combine = module.kernel("attn_combine");
        decode = module.kernel("attn_decode");
        if (computeCapability >= 90 && ROUNDS) {
            for (int cl : new int[] {2, 4, 8}) rounded.put(cl, module.kernel("attn_decode_rounded_" + cl));
        }
    }

    /** Floats of workspace for {@code maxChunks} chunks per head: the scores, then the chunks' partial sums. */
    static long workspaceFloats(LlamaConfig c, int maxChunks) {
        return (long) c.heads() * maxChunks * CHUNK + (long) c.heads() * maxChunks * c.headDim();
    }

    /**
     * As {@link #launch} into {@code out.values()}; where a cluster-rounded kernel serves the bucket and the head
     * size, it also rounds the output into the 8-bit forms of {@code out} that {@code next} reads (what
     * {@link CudaQuantize} would launch). Returns whether it did; if not, the caller quantizes.
     */
    boolean launchRounded(CudaStream s, LlamaConfig c, CudaBuffer q, CUdeviceptr keyCache, CUdeviceptr valueCache,
                          CudaBuffer workspace, CudaActivation out, CudaBuffer params, int chunks, int maxChunks,
                          CudaTensor next) {
        int forms = switch (next.type().activationFormat()) {
            case Q8_0 -> 1;
            case Q8_K -> 2;
            case F32 -> 0;
        };
        CudaKernel k = 256 % c.headDim() == 0 ? rounded.get(256 / c.headDim()) : null;
        if (forms == 0 || k == null || chunks > FUSED_MAX_CHUNKS || c.qDim() % 256 != 0) {
            launch(s, c, q, keyCache, valueCache, workspace, out.values(), params, chunks, maxChunks);
            return forms == 0;
        }
        k.launch(s, c.heads(), 1, 256, 0, q, keyCache, valueCache, out.values(), params, c.heads(), c.kvHeads(),
                c.headDim(), scale(c), forms, out.q8_0(), out.d8_0(), out.q8_K(), out.d8_K());
        return true;
    }

    private static float scale(LlamaConfig c) {
        return (float) (1.0 / Math.sqrt(c.headDim()));
    }

    void launch(CudaStream s, LlamaConfig c, CudaBuffer q, CUdeviceptr keyCache, CUdeviceptr valueCache,
                CudaBuffer workspace, CudaBuffer out, CudaBuffer params, int chunks, int maxChunks) {
        float scale = scale(c);
        if (chunks <= FUSED_MAX_CHUNKS) {
            decode.launch(s, c.heads(), 1, 256, 0, q, keyCache, valueCache, out, params, c.heads(), c.kvHeads(),
                    c.headDim(), scale);
            return;
        }
        CUdeviceptr sc = workspace.pointer();
        CUdeviceptr partial = workspace.pointer((long) c.heads() * maxChunks * CHUNK * 4);
        scores.launch(s, c.heads(), chunks, 128, 0, q, keyCache, sc, params, c.heads(), c.kvHeads(), c.headDim(),
                maxChunks, scale, valueCache);
        softmax.launch(s, c.heads(), 1, 256, 0, sc, params, maxChunks);
        values.launch(s, c.heads(), chunks, 128, 0, sc, valueCache, partial, params, c.heads(), c.kvHeads(),
                c.headDim(), maxChunks);
        combine.launch(s, c.heads(), 1, (c.headDim() + 31) / 32 * 32, 0, partial, out, params, c.headDim(),
                maxChunks);
    }
}
