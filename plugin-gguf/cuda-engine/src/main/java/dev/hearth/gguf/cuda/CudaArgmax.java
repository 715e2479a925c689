package dev.hearth.gguf.cuda;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;

/** {@code argmax.cu}: the greedy token into {@code params[2]}. */
final class CudaArgmax {

    private final CudaKernel kernel;

    CudaArgmax(CudaModule module) {
        kernel = module.kernel("argmax");
    }

    void launch(CudaStream s, CudaBuffer logits, int n, CudaBuffer params) {
        kernel.launch(s, 1, 1, 1024, 0, logits, n, params);
    }
}
