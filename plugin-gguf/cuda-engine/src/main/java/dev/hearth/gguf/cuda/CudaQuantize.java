package dev.hearth.gguf.cuda;

import java.util.EnumSet;
import java.util.Set;

import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;
import dev.hearth.gguf.quant.ActivationFormat;

/** {@code quantize.cu}: an activation to Q8_0 and/or Q8_K, as the CPU engine does before quantized products. */
final class CudaQuantize {

    private final CudaKernel q8_0;
    private final CudaKernel q8_K;

    CudaQuantize(CudaModule module) {
        q8_0 = module.kernel("quantize_q8_0");
        q8_K = module.kernel("quantize_q8_k");
    }

    /**
     * Bytes of the Q8_K scale buffer for {@code n} values (q8.cuh): the block scales (F32), padded to 8 bytes, then
     * the sums of the quants of each 32-value run (int), which Q4_K products read for their min term.
     */
    static long q8kScaleBytes(long n) {
        long blocks = n / 256;
        return ((blocks + 1) & ~1L) * 4 + blocks * 8 * 4;
    }

    /**
     * Index of value {@code i}'s quant in the Q8_K quants (q8.cuh's lane-major order): position 4k + e of the
     * 32-value run j of its block lies at 32k + 4j + e.
     */
    static int q8kQuantIndex(int i) {
        int t = i % 256;
        return i - t + ((t >> 2) & 7) * 32 + (t >> 5) * 4 + (t & 3);
    }

    /** Quantizes {@code n} values of {@code x} into every 8-bit form the {@code consumers} read. */
    void launch(CudaStream s, CudaActivation x, int n, CudaTensor... consumers) {
        Set<ActivationFormat> formats = EnumSet.noneOf(ActivationFormat.class);
        for (CudaTensor t : consumers) formats.add(t.type().activationFormat());
        if (formats.contains(ActivationFormat.Q8_0)) {
            q8_0.launch(s, (n + 255) / 256, 1, 256, 0, x.values(), x.q8_0(), x.d8_0(), n);
        }
        if (formats.contains(ActivationFormat.Q8_K)) {
            q8_K.launch(s, n / 256, 1, 256, 0, x.values(), x.q8_K(), x.d8_K(), n);
        }
    }
}
