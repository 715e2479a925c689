package dev.hearth.gguf.cuda;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;
import dev.hearth.gguf.llama.LlamaConfig;
import jcuda.driver.CUdeviceptr;

/**
 * {@code rope.cu}: RoPE on q and k at position {@code params[1]} (frequencies divided by {@code freqFactors}, see
 * {@link CudaWeights#ropeFreqs}), k and v stored into the F16 cache.
 */
final class CudaRope {

    private final CudaKernel kernel;

    CudaRope(CudaModule module) {
        kernel = module.kernel("rope_store");
    }

    void launch(CudaStream s, LlamaConfig c, CudaBuffer q, CudaBuffer k, CudaBuffer v, CUdeviceptr keyCache,
                CUdeviceptr valueCache, CudaBuffer params, CudaBuffer freqFactors) {
        int total = (c.heads() + c.kvHeads()) * c.headDim() / 2;
        kernel.launch(s, (total + 127) / 128, 1, 128, 0, q, k, v, keyCache, valueCache, params,
                c.heads(), c.kvHeads(), c.headDim(), c.ropeDim(), c.ropeFreqBase(), c.ropeFreqScale(), freqFactors);
    }
}
