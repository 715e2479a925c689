package dev.hearth.gguf.cuda;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;

/** {@code rmsnorm.cu}: out = x / rms(x) * weight, one block. */
final class CudaRmsNorm {

    private final CudaKernel kernel;

    CudaRmsNorm(CudaModule module) {
        kernel = module.kernel("rmsnorm");
    }

    void launch(CudaStream s, CudaBuffer x, CudaBuffer weight, CudaBuffer out, int n, float eps) {
        int threads = Math.min(1024, (n + 31) / 32 * 32);
        kernel.launch(s, 1, 1, threads, 0, x, weight, out, n, eps);
    }
}
