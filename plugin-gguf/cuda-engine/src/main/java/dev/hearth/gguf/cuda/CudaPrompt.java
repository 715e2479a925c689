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
 * tensor-core matrix products, row-wise RMSNorm, activation rounding (F16 for float weights, the Q8_0 / Q8_K int8
 * quants the decode path uses for quantized weights), RoPE with the KV-cache store; and from {@code prompt_attn.cu}
 * the causal attention on the tensor cores. Quantized products run on the int8 tensor cores ({@code gemm8_*},
 * {@code gemm8.cuh}) where the layout allows, else on the F16 kernel ({@code gemm_*}), which computes the same bits.
 */
final class CudaPrompt {

    /** Tokens per pass; longer prompts run in passes of this many. */
    static final int MAX_BATCH = 512;
    /** Largest head dimension of {@code attn_prompt_*}; wider heads take the token-by-token path. */
    static final int MAX_HEAD_DIM = 128;
    private static final int BM = 64;
    private static final int BN = 128;
    /** gemm8 tile: 64 weight rows by 64 tokens, or 32 tokens where 64 would leave SMs idle. */
    private static final int BN8 = 64;
    /**
     * Fewer gemm8 blocks of 64 tokens than this (about the SM count of a large card) take 32-token blocks;
     * {@code hearth.cuda.gemm8MinBlocks}, for comparisons.
     */
    static final int MIN_BLOCKS = Integer.getInteger("hearth.cuda.gemm8MinBlocks", 132);
    /** gemmh tiles, tokens x weight rows, largest first. */
    static final int[][] TILES_F16 = {{128, 128}, {64, 128}, {64, 64}, {32, 64}};
    /**
     * gemmh takes the largest tile that gives at least this many blocks (1.5 blocks per SM of a 132-SM card), else
     * the smallest; {@code hearth.cuda.gemmhMinBlocks}, for comparisons.
     */
    static final int MIN_BLOCKS_F16 = Integer.getInteger("hearth.cuda.gemmhMinBlocks", 198);
    private static final int ATTN_QUERIES = 64;

    /**
     * An activation as a product reads it: rows of {@code values} (stride {@code ld} elements), F16 for float weights;
     * for quantized weights the 8-bit quants as int8 with {@code scales} (one per 32, stride ld / 32) and
     * {@code sums} (sum of the quants of each 16, stride ld / 16).
     */
    record Act(CudaBuffer values, CudaBuffer scales, CudaBuffer sums) {
    }

    private final Map<QuantType, CudaKernel> gemm = new EnumMap<>(QuantType.class);
    /** gemm8 by quantized type: [0] 64-token blocks, [1] 32-token blocks. */
    private final Map<QuantType, CudaKernel[]> gemm8 = new EnumMap<>(QuantType.class);
    /** gemmh by tile, as {@link #TILES_F16}. */
    private final CudaKernel[] gemmh = new CudaKernel[TILES_F16.length];
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
            if (!CudaMatVec.isFloat(t)) {
                String name = "gemm8_" + CudaMatVec.suffix(t);
                gemm8.put(t, new CudaKernel[] {module.kernel(name + "_64"), module.kernel(name + "_32")});
            }
        }
        for (int i = 0; i < TILES_F16.length; i++) {
            gemmh[i] = module.kernel("gemmh_" + TILES_F16[i][0] + "x" + TILES_F16[i][1]);
        }
        rmsNorm = module.kernel("rmsnorm_rows");
        act = module.kernel("act_rows");
        rope = module.kernel("rope_rows");
        for (int i = 0; i < attention.length; i++) attention[i] = attentionModule.kernel("attn_prompt_" + (32 << i));
    }

    /**
     * Elements per row of an activation buffer for widths up to {@code width}: a multiple of 256, so that the
     * gemm8 stages read 16-byte aligned scale rows.
     */
    static int ld(int width) {
        return (width + 255) / 256 * 256;
    }

    /**
     * Whether {@code w} against an activation of row stride {@code ldx} runs on the int8 kernel: quantized, whole
     * 256-column super-blocks, rows starting 16-byte aligned (Q6_K, read in 4-byte words: 4-byte aligned).
     */
    static boolean int8Path(CudaTensor w, int ldx) {
        if (CudaMatVec.isFloat(w.type()) || w.cols() % 256 != 0 || ldx % 256 != 0) return false;
        return w.rowBytes() % (w.type() == QuantType.Q6_K ? 4 : 16) == 0;
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

    /** Whether {@code w} runs on gemmh: F16 rows of whole 32-column steps, activation rows 16-byte aligned. */
    static boolean f16Path(CudaTensor w, int ldx) {
        return w.type() == QuantType.F16 && w.cols() % 32 == 0 && ldx % 8 == 0;
    }

    /** C (+)= X W^T: X as {@link #act} left it (stride ldx), W's rows, C F32 rows of stride ldc. */
    void gemm(CudaStream s, Act x, int ldx, int rows, CudaTensor w, CUdeviceptr c, int ldc, boolean accumulate) {
        if (f16Path(w, ldx)) {
            int tile = TILES_F16.length - 1;
            for (int i = 0; i < TILES_F16.length - 1; i++) {
                if (blocks(TILES_F16[i], rows, w.rows()) >= MIN_BLOCKS_F16) {
                    tile = i;
                    break;
                }
            }
            gemmh(s, x, ldx, rows, w, c, ldc, accumulate, tile);
            return;
        }
        if (!int8Path(w, ldx)) {
            gemmF16(s, x, ldx, rows, w, c, ldc, accumulate);
            return;
        }
        int blocks64 = (w.rows() + BN8 - 1) / BN8 * ((rows + 63) / 64);
        gemm8(s, x, ldx, rows, w, c, ldc, accumulate, blocks64 < MIN_BLOCKS ? 32 : 64);
    }

    /** {@link #gemm} on the int8 kernel with blocks of {@code tokens} (64 or 32) rows; needs {@link #int8Path}. */
    void gemm8(CudaStream s, Act x, int ldx, int rows, CudaTensor w, CUdeviceptr c, int ldc, boolean accumulate,
               int tokens) {
        if (!int8Path(w, ldx)) throw new IllegalArgumentException(w.name() + ": no int8 product for this layout");
        gemm8.get(w.type())[tokens == 64 ? 0 : 1].launch(s, (w.rows() + BN8 - 1) / BN8, (rows + tokens - 1) / tokens,
                128, 0, x.values(), ldx, rows, w.buffer(), w.rowBytes(), w.rows(), w.cols(), c, ldc,
                accumulate ? 1 : 0, x.scales(), x.sums());
    }

    private static int blocks(int[] tile, int rows, int n) {
        return (rows + tile[0] - 1) / tile[0] * ((n + tile[1] - 1) / tile[1]);
    }

    /** {@link #gemm} on gemmh with tile {@code TILES_F16[tile]}; needs {@link #f16Path}. */
    void gemmh(CudaStream s, Act x, int ldx, int rows, CudaTensor w, CUdeviceptr c, int ldc, boolean accumulate,
               int tile) {
        if (!f16Path(w, ldx)) throw new IllegalArgumentException(w.name() + ": no gemmh product for this layout");
        int[] t = TILES_F16[tile];
        gemmh[tile].launch(s, (w.rows() + t[1] - 1) / t[1], (rows + t[0] - 1) / t[0], 256, 0, x.values(), ldx, rows,
                w.buffer(), w.rows(), w.cols(), c, ldc, accumulate ? 1 : 0);
    }

    /** {@link #gemm} on the F16 tensor-core kernel whatever the type and layout (the reference of gemm8, gemmh). */
    void gemmF16(CudaStream s, Act x, int ldx, int rows, CudaTensor w, CUdeviceptr c, int ldc, boolean accumulate) {
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
