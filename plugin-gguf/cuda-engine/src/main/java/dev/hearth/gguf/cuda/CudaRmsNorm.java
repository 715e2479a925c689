package dev.hearth.gguf.cuda;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;

/** {@code rmsnorm.cu}: out = x / rms(x) * weight, one block of 256 threads per 256 elements. */
final class CudaRmsNorm {

    /** NORM_THREADS: threads per block and elements per block. */
    private static final int THREADS = 256;

    private final CudaKernel kernel;
    private final CudaKernel quant;

    CudaRmsNorm(CudaModule module) {
        kernel = module.kernel("rmsnorm");
        quant = module.kernel("rmsnorm_quant");
    }

    /**
     * rmsnorm into {@code out.values()} and, in the same launch, every 8-bit form of it the {@code consumers} read
     * (as {@link CudaQuantize} would fill them).
     */
    void launchQuant(CudaStream s, CudaBuffer x, CudaBuffer weight, CudaActivation out, int n, float eps,
                     CudaTensor... consumers) {
        int forms = 0;
        for (CudaTensor t : consumers) {
            switch (t.type().activationFormat()) {
                case Q8_0 -> forms |= 1;
                case Q8_K -> forms |= 2;
                default -> { }
            }
        }
        quant.launch(s, blocks(n), 1, THREADS, 0, x, weight, out.values(), out.q8_0(), out.d8_0(), out.q8_K(), out.d8_K(),
                n, eps, forms);
    }

    void launch(CudaStream s, CudaBuffer x, CudaBuffer weight, CudaBuffer out, int n, float eps) {
        kernel.launch(s, blocks(n), 1, THREADS, 0, x, weight, out, n, eps);
    }

    private static int blocks(int n) {
        return (n + THREADS - 1) / THREADS;
    }
}
