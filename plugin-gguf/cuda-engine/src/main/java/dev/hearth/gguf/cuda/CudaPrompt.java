package dev.hearth.gguf.cuda;

import java.util.EnumMap;
import java.util.Map;

import dev.hearth.cuda.api.CudaBuffer;
import dev.hearth.cuda.api.CudaKernel;
import dev.hearth.cuda.api.CudaModule;
import dev.hearth.cuda.api.CudaStream;
import dev.hearth.gguf.llama.LlamaConfig;
import dev.hearth.gguf.quant.ActivationFormat;
import dev.hearth.gguf.quant.QuantType;
import jcuda.driver.CUdeviceptr;

/**
 * {@code prompt.cu}: the kernels of the batched prompt pass over n tokens, activations as row-major [n][width]:
 * tensor-core matrix products (GGUF weights dequantized to F16 tiles), row-wise RMSNorm, activation rounding to F16
 * (through the Q8_0 / Q8_K rounding the decode path applies), RoPE with the KV-cache store; and from
 * {@code prompt_attn.cu} the causal attention on the tensor cores.
 */
final class CudaPrompt {

    /** Tokens per pass; longer prompts run in passes of this many. */
    static final int MAX_BATCH = 512;
    /** Largest head dimension of {@code attn_prompt_*}; wider heads take the token-by-token path. */
    static final int MAX_HEAD_DIM = 128;
    private static final int BM = 64;
    private static final int BN = 128;
    private static final int ATTN_QUERIES = 64;

    /**
     * An F16 activation as a product reads it: rows of {@code values} (stride {@code ld} halves); for quantized
     * weights the 8-bit quants as F16 integers with {@code scales} (one per 32, stride ld / 32) and {@code sums}
     * (sum of the quants of each 16, stride ld / 16).
     */
    record Act(CudaBuffer values, CudaBuffer scales, CudaBuffer sums) {
    }

    private final Map<QuantType, CudaKernel> gemm = new EnumMap<>(QuantType.class);
    private final Map<QuantType, CudaKernel> embed = new EnumMap<>(QuantType.class);
    private final CudaKernel rmsNorm;
    private final CudaKernel act;
    private final CudaKernel rope;
    /** Attention by padded head dimension: 32, 64, 128. */
    private final CudaKernel[] attention = new CudaKernel[3];

    CudaPrompt(CudaModule module, CudaModule attentionModule) {
        for (QuantType t : CudaMatVec.TYPES) {
            gemm.put(t, module.kernel("gemm_" + CudaMatVec.suffix(t)));
            embed.put(t, module.kernel("embed_rows_" + CudaMatVec.suffix(t)));
        }
        rmsNorm = module.kernel("rmsnorm_rows");
        act = module.kernel("act_rows");
        rope = module.kernel("rope_rows");
        for (int i = 0; i < attention.length; i++) attention[i] = attentionModule.kernel("attn_prompt_" + (32 << i));
    }

    /** Halves per row of an F16 activation buffer for widths up to {@code width}: a multiple of 32. */
    static int ld(int width) {
        return (width + 31) / 32 * 32;
    }

    /** The act_rows mode that rounds an activation as the decode path quantizes it for weights of type t. */
    static int mode(ActivationFormat f) {
        return switch (f) {
            case F32 -> 0;
            case Q8_0 -> 1;
            case Q8_K -> 2;
        };
    }

    /** x row r = embedding row of tokens[r], r < n. */
    void embed(CudaStream s, CudaTensor table, CudaBuffer tokens, CudaBuffer x, int n) {
        embed.get(table.type()).launch(s, (table.cols() + 255) / 256, n, 256, 0, table.buffer(), table.rowBytes(),
                tokens, x, table.cols());
    }

    void rmsNorm(CudaStream s, CUdeviceptr x, CudaBuffer weight, CUdeviceptr out, int rows, int width, float eps) {
        rmsNorm.launch(s, rows, 1, 256, 0, x, weight, out, width, eps);
    }

    /** The F32 rows x (stride width) as the products with weights of activation format f read them. */
    void act(CudaStream s, CUdeviceptr x, int rows, int width, Act out, int ld, ActivationFormat f) {
        act.launch(s, rows, 1, 256, 0, x, width, out.values(), ld, mode(f), out.scales(), out.sums());
    }

    /** C (+)= X W^T: X as {@link #act} left it (stride ldx), W's rows, C F32 rows of stride ldc. */
    void gemm(CudaStream s, Act x, int ldx, int rows, CudaTensor w, CUdeviceptr c, int ldc, boolean accumulate) {
        CudaKernel k = gemm.get(w.type());
        if (k == null) throw new IllegalArgumentException(w.name() + ": no GPU kernel for " + w.type());
        k.launch(s, (w.rows() + BN - 1) / BN, (rows + BM - 1) / BM, 256, 0, x.values(), ldx, rows, w.buffer(),
                w.rowBytes(), w.rows(), w.cols(), c, ldc, accumulate ? 1 : 0, x.scales(), x.sums());
    }

    void rope(CudaStream s, LlamaConfig c, CudaBuffer q, CudaBuffer k, CudaBuffer v, CUdeviceptr keyCache,
              CUdeviceptr valueCache, int rows, int pos0, CudaBuffer freqFactors) {
        int total = (c.heads() + c.kvHeads()) * c.headDim() / 2;
        rope.launch(s, (total + 127) / 128, rows, 128, 0, q, k, v, keyCache, valueCache, pos0, c.heads(),
                c.kvHeads(), c.headDim(), c.ropeDim(), c.ropeFreqBase(), c.ropeFreqScale(), freqFactors);
    }

    void attention(CudaStream s, LlamaConfig c, CudaBuffer q, CUdeviceptr keyCache, CUdeviceptr valueCache,
                   CudaBuffer out, int rows, int pos0) {
        float scale = (float) (1.0 / Math.sqrt(c.headDim()));
        int size = c.headDim() <= 32 ? 0 : c.headDim() <= 64 ? 1 : 2;
        attention[size].launch(s, c.heads(), (rows + ATTN_QUERIES - 1) / ATTN_QUERIES, 128, 0, q, keyCache, valueCache,
                out, rows, pos0, c.heads(), c.kvHeads(), c.headDim(), scale);
    }
}
