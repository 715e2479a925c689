package dev.hearth.gguf.cuda;

import java.util.EnumMap;
import java.util.Map;
import java.util.Set;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;
import dev.hearth.gguf.quant.ActivationFormat;
import dev.hearth.gguf.quant.QuantType;

/**
 * {@code matvec.cu}: y = W x or y += W x, W in its GGUF layout, one warp per row; quantized weights against 8-bit
 * activations sum in the CPU engine's (ggml's x86) order ({@code rowdot.cuh}), so they give its results to the bit.
 */
final class CudaMatVec {

    /** The weight types with GPU kernels. */
    static final Set<QuantType> TYPES = Set.of(QuantType.F32, QuantType.F16, QuantType.BF16, QuantType.Q8_0,
            QuantType.Q4_0, QuantType.Q4_K, QuantType.Q6_K);

    static final int ROWS_PER_BLOCK = 4;

    private final Map<QuantType, CudaKernel> vector = new EnumMap<>(QuantType.class);
    private final Map<QuantType, CudaKernel> scalar = new EnumMap<>(QuantType.class);
    private final Map<QuantType, CudaKernel> q8 = new EnumMap<>(QuantType.class);
    private final CudaKernel qkvRope;
    private final CudaKernel gateUp;
    /** gate_up_swiglu for gate and up of one type, per type. */
    private final Map<QuantType, CudaKernel> gateUpOf = new EnumMap<>(QuantType.class);

    CudaMatVec(CudaModule module) {
        qkvRope = module.kernel("qkv_rope");
        gateUp = module.kernel("gate_up_swiglu");
        for (QuantType t : TYPES) {
            vector.put(t, module.kernel("matvec_" + suffix(t)));
            gateUpOf.put(t, module.kernel("gate_up_swiglu_" + suffix(t)));
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
     * {@code splitRows}: long float and Q8_0 rows are shared by 2 or 4 warps ({@link #warpsPerRow}; another
     * summation order than the one-warp rows of the fused Q, K, V and gate / up launches, so only for products that
     * no fused launch also computes).
     */
    void launch(CudaStream s, CudaTensor w, CudaActivation x, CudaBuffer y, boolean accumulate, boolean splitRows) {
        int acc = accumulate ? 1 : 0;
        int wpr = splitRows ? warpsPerRow(w.type(), w.cols()) : 1;
        int rowsPerBlock = ROWS_PER_BLOCK / wpr, grid = (w.rows() + rowsPerBlock - 1) / rowsPerBlock;
        switch (w.type().activationFormat()) {
            case F32 -> launchF32(s, w, x.values(), y, acc, wpr);
            case Q8_0 -> q8.get(w.type()).launch(s, grid, 1, 32 * ROWS_PER_BLOCK, 0, w.buffer(), x.q8_0(), x.d8_0(),
                    y, w.rows(), w.cols(), w.rowBytes(), acc, wpr);
            case Q8_K -> q8.get(w.type()).launch(s, grid, 1, 32 * ROWS_PER_BLOCK, 0, w.buffer(), x.q8_K(), x.d8_K(),
                    y, w.rows(), w.cols(), w.rowBytes(), acc, wpr);
        }
    }

    /**
     * Warps that share a row of {@code cols} weights of type {@code t} (1, 2 or 4): for float and Q8_0 rows enough
     * that each lane loads at most 4 units of 8 weights (one round of loads in flight, the unroll of matvec.cu);
     * the other types keep one warp a row (matvec.cu, matvec_q8).
     */
    static int warpsPerRow(QuantType t, int cols) {
        if (t.activationFormat() == ActivationFormat.Q8_K || t == QuantType.Q4_0) return 1;
        int rounds = (cols / 8 + 127) / 128;
        return rounds > 2 ? 4 : rounds > 1 ? 2 : 1;
    }

    /** y (+)= W x against an F32 x for any weight type (the reference path of the tests), one warp per row. */
    void launchF32(CudaStream s, CudaTensor w, CudaBuffer x, CudaBuffer y, boolean accumulate) {
        launchF32(s, w, x, y, accumulate ? 1 : 0, 1);
    }

    private void launchF32(CudaStream s, CudaTensor w, CudaBuffer x, CudaBuffer y, int acc, int wpr) {
        if (w.cols() % 8 != 0) {
            CudaKernel k = scalar.get(w.type());
            if (k == null) throw new IllegalArgumentException(w.name() + ": no GPU kernel for " + w.type());
            k.launch(s, (w.rows() + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK, 1, 32 * ROWS_PER_BLOCK, 0, w.buffer(), x,
                    y, w.rows(), w.cols(), w.rowBytes(), acc);
            return;
        }
        int rowsPerBlock = ROWS_PER_BLOCK / wpr;
        vector.get(w.type()).launch(s, (w.rows() + rowsPerBlock - 1) / rowsPerBlock, 1, 32 * ROWS_PER_BLOCK, 0,
                w.buffer(), x, y, w.rows(), w.cols(), w.rowBytes(), acc, wpr);
    }

    /**
     * Whether the fused launches ({@link #launchQkvRope}, {@link #launchGateUp}) serve these weights: types with a
     * vector kernel, rows a multiple of 8 wide (of the block for block types), and (for Q, K, V) row counts that
     * keep 4-row blocks in one matrix.
     */
    static boolean fusable(CudaTensor... ws) {
        for (CudaTensor w : ws) {
            if (!TYPES.contains(w.type()) || w.cols() % 8 != 0 || w.cols() % w.type().blockSize() != 0
                    || w.cols() != ws[0].cols()) {
                return false;
            }
        }
        return true;
    }

    /**
     * q, k, v = Wq x, Wk x, Wv x in one launch, then RoPE at {@code params[1]} on q (rounded to F16, into q) and k,
     * and k, v stored into this position of the F16 cache: what three launches and {@code rope_store} compute.
     * x must hold every form the three types read.
     */
    void launchQkvRope(CudaStream s, dev.hearth.gguf.llama.LlamaConfig c, CudaTensor wq, CudaTensor wk,
                       CudaTensor wv, CudaActivation x, CudaBuffer q, jcuda.driver.CUdeviceptr keyCache,
                       jcuda.driver.CUdeviceptr valueCache, CudaBuffer params, CudaBuffer freqFactors) {
        int rows = wq.rows() + wk.rows() + wv.rows();
        qkvRope.launch(s, rows / ROWS_PER_BLOCK, 1, 32 * ROWS_PER_BLOCK, 0, wq.buffer(), wk.buffer(), wv.buffer(),
                wq.type().typeId(), wk.type().typeId(), wv.type().typeId(), wq.rowBytes(), wk.rowBytes(),
                wv.rowBytes(), wq.cols(), x.values(), x.q8_0(), x.d8_0(), x.q8_K(), x.d8_K(), q, keyCache,
                valueCache, params, c.heads(), c.kvHeads(), c.headDim(), c.ropeDim(), c.ropeFreqBase(),
                c.ropeFreqScale(), freqFactors);
    }

    /** out = silu(Wgate x) * (Wup x) in one launch; x must hold every form the two types read. */
    void launchGateUp(CudaStream s, CudaTensor wg, CudaTensor wu, CudaActivation x, CudaBuffer out) {
        CudaKernel k = wg.type() == wu.type() ? gateUpOf.get(wg.type()) : gateUp;
        k.launch(s, (wg.rows() + ROWS_PER_BLOCK - 1) / ROWS_PER_BLOCK, 1, 64 * ROWS_PER_BLOCK, 0, wg.buffer(),
                wu.buffer(), wg.type().typeId(), wu.type().typeId(), wg.rowBytes(), wu.rowBytes(), wg.rows(),
                wg.cols(), x.values(), x.q8_0(), x.d8_0(), x.q8_K(), x.d8_K(), out);
    }
}
