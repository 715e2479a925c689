package dev.hearth.gguf.cuda;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;

/** {@code argmax.cu}: the greedy token into {@code params[2]}. */
final class CudaArgmax {

    /** ARGMAX_BLOCKS in argmax.cu. */
    private static final int BLOCKS = 32;
    /** Bytes of the kernel's workspace: a value and an index per block, then a counter. */
    static final long WORK_BYTES = (2L * BLOCKS + 1) * 4;

    private final CudaKernel kernel;

    CudaArgmax(CudaModule module) {
        kernel = module.kernel("argmax");
    }

    /** {@code work}: {@link #WORK_BYTES}, zero before the first launch (each launch leaves it so). */
    void launch(CudaStream s, CudaBuffer logits, int n, CudaBuffer params, CudaBuffer work) {
        kernel.launch(s, BLOCKS, 1, 1024, 0, logits, n, params, work);
    }
}
