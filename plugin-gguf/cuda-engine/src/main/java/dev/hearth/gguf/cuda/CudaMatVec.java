package dev.hearth.gguf.cuda;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;
import dev.hearth.gguf.quant.QuantType;

/** {@code matvec.cu}: y = W x or y += W x, W in its GGUF layout, one warp per row. */
final class CudaMatVec {

    /** The weight types with GPU kernels. */
    static final Set<QuantType> TYPES = Set.of(QuantType.F32, QuantType.F16, QuantType.BF16, QuantType.Q8_0,
            QuantType.Q4_0, QuantType.Q4_K, QuantType.Q6_K);

    private static final int ROWS_PER_BLOCK = 4;

    private final Map<QuantType, CudaKernel> vector = new EnumMap<>(QuantType.class);
    private final Map<QuantType, CudaKernel> scalar = new EnumMap<>(QuantType.class);
    private final Map<QuantType, CudaKernel> q8 = new EnumMap<>(QuantType.class);

    CudaMatVec(CudaModule module) {
        for (QuantType t : TYPES) {
            vector.put(t, module.kernel("matvec_" + suffix(t)));
            if (isFloat(t)) scalar.put(t, module.kernel("matvec_scalar_" + suffix(t)));
            else q8.put(t, module.kernel("matvec_q8_" + suffix(t)));
        }
    }

    static String suffix(QuantType t) {
        return t.name().toLowerCase(java.util.Locale.ROOT);
    }

    static boolean isFloat(QuantType t) {
        return t == QuantType.F32 || t == QuantType.F16 || t == QuantType.BF16;
    }

    /**
     * y (+)= W x. Float weights read {@code x.values()}; quantized weights read the 8-bit form of x their type
     * pairs with (Q8_0 or Q8_K), which {@link CudaQuantize} must have filled, as the CPU engine computes them.
     */
    void launch(CudaStream s, CudaTensor w, CudaActivation x, CudaBuffer y, boolean accumulate) {
        int grid = (w.rows() + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK;
        int acc = accumulate ? 1 : 0;
        switch (w.type().activationFormat()) {
            case F32 -> {
                CudaKernel k = w.cols() % 8 == 0 ? vector.get(w.type()) : scalar.get(w.type());
                if (k == null) throw new IllegalArgumentException(w.name() + ": no GPU kernel for " + w.type());
                k.launch(s, grid, 1, 32 * ROWS_PER_BLOCK, 0, w.buffer(), x.values(), y, w.rows(), w.cols(),
                        w.rowBytes(), acc);
            }
            case Q8_0 -> q8.get(w.type()).launch(s, grid, 1, 32 * ROWS_PER_BLOCK, 0, w.buffer(), x.q8_0(), x.d8_0(),
                    y, w.rows(), w.cols(), w.rowBytes(), acc);
            case Q8_K -> q8.get(w.type()).launch(s, grid, 1, 32 * ROWS_PER_BLOCK, 0, w.buffer(), x.q8_K(), x.d8_K(),
                    y, w.rows(), w.cols(), w.rowBytes(), acc);
        }
    }

    /** y (+)= W x with F32 activations for every type (dequantizing weights only): the simple reference path. */
    void launchF32(CudaStream s, CudaTensor w, CudaBuffer x, CudaBuffer y, boolean accumulate) {
        CudaKernel k = w.cols() % 8 == 0 ? vector.get(w.type()) : scalar.get(w.type());
        k.launch(s, (w.rows() + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK, 1, 32 * ROWS_PER_BLOCK, 0,
                w.buffer(), x, y, w.rows(), w.cols(), w.rowBytes(), accumulate ? 1 : 0);
    }
}
