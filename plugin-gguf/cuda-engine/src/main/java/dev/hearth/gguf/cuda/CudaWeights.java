package dev.hearth.gguf.cuda;

import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaDevice;
import dev.hearth.gguf.engine.WeightMatrix;
import dev.hearth.gguf.llama.LlamaConfig;
import dev.hearth.gguf.llama.LlamaWeights;

/**
 * The weights of a Llama-family model on the GPU, uploaded once in their GGUF block layout (no dequantization);
 * norm vectors as F32. Same names and shapes as {@link LlamaWeights}, plus the RoPE frequency factors.
 */
final class CudaWeights implements AutoCloseable {

    /** One transformer block on the GPU; norms are F32 vectors of dim. */
    record Layer(CudaBuffer attnNorm, CudaTensor wq, CudaTensor wk, CudaTensor wv, CudaTensor wo,
                 CudaBuffer ffnNorm, CudaTensor wGate, CudaTensor wUp, CudaTensor wDown) {
    }

    private final List<CudaBuffer> owned = new ArrayList<>();
    final CudaTensor tokenEmbedding;
    final Layer[] layers;
    final CudaBuffer outputNorm;
    final CudaTensor output;
    /** {@code rope_freqs.weight} (ropeDim / 2 F32 divisors), or ones for a model without it: x / 1 is exact. */
    final CudaBuffer ropeFreqs;

    /**
     * Uploads the token embedding and the first {@code gpuLayers} layers; the output norm and head only when every
     * layer is on the GPU (else the CPU runs the last layers and the head: {@link #output} is null).
     */
    CudaWeights(CudaDevice device, String owner, LlamaConfig c, LlamaWeights w, int gpuLayers) {
        try {
            ropeFreqs = vector(device, owner, ropeFactors(c, w));
            tokenEmbedding = upload(device, owner, w.tokenEmbedding());
            layers = new Layer[gpuLayers];
            for (int i = 0; i < layers.length; i++) {
                LlamaWeights.Layer l = w.layers()[i];
                layers[i] = new Layer(vector(device, owner, l.attnNorm()), upload(device, owner, l.wq()),
                        upload(device, owner, l.wk()), upload(device, owner, l.wv()), upload(device, owner, l.wo()),
                        vector(device, owner, l.ffnNorm()), upload(device, owner, l.wGate()),
                        upload(device, owner, l.wUp()), upload(device, owner, l.wDown()));
            }
            boolean head = gpuLayers == w.layers().length;
            outputNorm = head ? vector(device, owner, w.outputNorm()) : null;
            output = !head ? null
                    : w.output() == w.tokenEmbedding() ? tokenEmbedding : upload(device, owner, w.output());
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    /**
     * Device bytes of the GGUF tensors the constructor uploads for {@code gpuLayers} (tied output counted once),
     * before uploading them.
     */
    static long bytes(LlamaConfig c, LlamaWeights w, int gpuLayers) {
        long sum = w.tokenEmbedding().data().byteSize() + PADDING + ropeFactors(c, w).length * 4L;
        if (gpuLayers == w.layers().length) {
            sum += w.outputNorm().length * 4L;
            if (w.output() != w.tokenEmbedding()) sum += w.output().data().byteSize() + PADDING;
        }
        for (LlamaWeights.Layer l : Arrays.asList(w.layers()).subList(0, gpuLayers)) {
            for (WeightMatrix m : List.of(l.wq(), l.wk(), l.wv(), l.wo(), l.wGate(), l.wUp(), l.wDown())) {
                sum += m.data().byteSize() + PADDING;
            }
            sum += (l.attnNorm().length + l.ffnNorm().length) * 4L;
        }
        return sum;
    }

    /**
     * Bytes allocated past each weight matrix: the quantized products read 2-byte aligned words as two aligned
     * words (rowdot.cuh, ld_u32_a2), which may reach up to 2 bytes past the last block.
     */
    static final long PADDING = 16;

    private static float[] ropeFactors(LlamaConfig c, LlamaWeights w) {
        if (w.ropeFreqs() != null) return w.ropeFreqs();
        float[] ones = new float[c.ropeDim() / 2];
        Arrays.fill(ones, 1f);
        return ones;
    }

    private CudaTensor upload(CudaDevice device, String owner, WeightMatrix m) {
        CudaBuffer b = device.allocate(m.data().byteSize() + PADDING, owner);
        owned.add(b);
        b.upload(m.data(), 0);
        return new CudaTensor(m.name(), m.type(), b, m.rows(), m.cols());
    }

    private CudaBuffer vector(CudaDevice device, String owner, float[] v) {
        CudaBuffer b = device.allocate(v.length * 4L, owner);
        owned.add(b);
        b.upload(MemorySegment.ofArray(v), 0);
        return b;
    }

    @Override
    public void close() {
        owned.forEach(CudaBuffer::close);
        owned.clear();
    }
}
