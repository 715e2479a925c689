package dev.hearth.gguf.cuda;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;

/** {@code swiglu.cu}: gate = silu(gate) * up. */
final class CudaSwiglu {

    private final CudaKernel kernel;

    CudaSwiglu(CudaModule module) {
        kernel = module.kernel("swiglu");
    }

    void launch(CudaStream s, CudaBuffer gate, CudaBuffer up, int n) {
        kernel.launch(s, (n + 255) / 256, 1, 256, 0, gate, up, n);
    }
}
