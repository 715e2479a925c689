package dev.hearth.gguf.cuda;

import java.util.Arrays;
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
    /** gemmh kernels: tile (tokens x weight rows) and warps (along tokens x along rows), as prompt.cu lists them. */
    static final int[][] TILES_F16 = {{128, 128, 2, 4}, {64, 128, 2, 4}, {64, 64, 2, 4}, {32, 64, 2, 4},
            {128, 128, 2, 2}, {64, 128, 2, 2}, {64, 64, 2, 2}, {32, 64, 1, 2}, {128, 64, 2, 2}};
    /**
     * The gemmh kernels a product may take, by index into {@link #TILES_F16}, largest first: the 4-warp ones, whose
     * larger warp tiles measured fastest (H100 pp512 F16: 52 826 t/s against 47 550 with the 8-warp ones);
     * {@code hearth.cuda.gemmhTiles} (comma-separated), for comparisons.
     */
    static final int[] CANDIDATES_F16 = Arrays.stream(System.getProperty("hearth.cuda.gemmhTiles", "5,6,7")
            .split(",")).mapToInt(t -> Integer.parseInt(t.trim())).toArray();
    /**
     * gemmh takes the first candidate tile that gives at least this many blocks (1.5 blocks per SM of a 132-SM
     * card), else the last; {@code hearth.cuda.gemmhMinBlocks}, for comparisons.
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

    /** One product of a {@link #gemm} call: C (+)= X W^T into the F32 rows at {@code c} (stride {@code ldc}). */
    record Product(CudaTensor w, CUdeviceptr c, int ldc) {
    }

    private final Map<QuantType, CudaKernel> gemm = new EnumMap<>(QuantType.class);
    /** gemm8 by quantized type: [0] 64-token blocks, [1] 32-token blocks. */
    private final Map<QuantType, CudaKernel[]> gemm8 = new EnumMap<>(QuantType.class);
    /** gemmh by tile, as {@link #TILES_F16}. */
    private final CudaKernel[] gemmh = new CudaKernel[TILES_F16.length];
    private final Map<QuantType, CudaKernel> embed = new EnumMap<>(QuantType.class);
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
            int[] t = TILES_F16[i];
            gemmh[i] = module.kernel("gemmh_" + t[0] + "x" + t[1] + "_" + t[2] + "x" + t[3]);
        }
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

    /**
     * The rows of {@code x} (F32, stride width) as the products with weights of activation format f read them:
     * with {@code norm}, RMSNorm'ed with that weight first (as rmsnorm.cu); with {@code up}, silu(x) * up (as
     * swiglu.cu); null for neither.
     */
    void act(CudaStream s, CUdeviceptr x, CUdeviceptr up, CudaBuffer norm, float eps, int rows, int width, Act out,
             int ld, ActivationFormat f) {
        act.launch(s, rows, 1, 256, 0, x, up != null ? up : new CUdeviceptr(),
                norm != null ? norm.pointer() : new CUdeviceptr(), eps, width, out.values(), ld, mode(f),
                out.scales(), out.sums());
    }

    /** Whether {@code w} runs on gemmh: F16 rows of whole 32-column steps, activation rows 16-byte aligned. */
    static boolean f16Path(CudaTensor w, int ldx) {
        return w.type() == QuantType.F16 && w.cols() % 32 == 0 && ldx % 8 == 0;
    }

    /**
     * C (+)= X W^T for each product, X as {@link #act} left it (stride ldx, {@code rows} rows). Runs of up to three
     * products of one type and width take one launch of the fast kernels (each output computed as in a launch of
     * its own), with the tile its largest product would get alone.
     */
    void gemm(CudaStream s, Act x, int ldx, int rows, boolean accumulate, Product... ps) {
        for (int i = 0; i < ps.length; ) {
            int j = i + 1;
            while (j < ps.length && j - i < 3 && ps[j].w().type() == ps[i].w().type()
                    && ps[j].w().cols() == ps[i].w().cols()) {
                j++;
            }
            Product[] run = Arrays.copyOfRange(ps, i, j);
            CudaTensor w = ps[i].w();
            int widest = Arrays.stream(run).mapToInt(p -> p.w().rows()).max().orElseThrow();
            if (f16Path(w, ldx)) {
                int tile = CANDIDATES_F16[CANDIDATES_F16.length - 1];
                for (int t : CANDIDATES_F16) {
                    if (blocks(TILES_F16[t], rows, widest) >= MIN_BLOCKS_F16) {
                        tile = t;
                        break;
                    }
                }
                gemmh(s, x, ldx, rows, accumulate, tile, run);
            } else if (int8Path(w, ldx)) {
                gemm8(s, x, ldx, rows, accumulate, blocks(new int[] {64, BN8}, rows, widest) < MIN_BLOCKS ? 32 : 64,
                        run);
            } else {
                for (Product p : run) gemmF16(s, x, ldx, rows, p.w(), p.c(), p.ldc(), accumulate);
            }
            i = j;
        }
    }

    /**
     * The products (one to three, one type and width) in one launch of the int8 kernel with blocks of
     * {@code tokens} (64 or 32) rows; needs {@link #int8Path}.
     */
    void gemm8(CudaStream s, Act x, int ldx, int rows, boolean accumulate, int tokens, Product... ps) {
        CudaTensor w = ps[0].w();
        if (!int8Path(w, ldx)) throw new IllegalArgumentException(w.name() + ": no int8 product for this layout");
        Object[] group = group(ps, BN8);
        Object[] args = new Object[8 + group.length - 1];
        Object[] head = {x.values(), ldx, rows, w.rowBytes(), w.cols(), accumulate ? 1 : 0, x.scales(), x.sums()};
        System.arraycopy(head, 0, args, 0, head.length);
        System.arraycopy(group, 1, args, head.length, group.length - 1);
        gemm8.get(w.type())[tokens == 64 ? 0 : 1].launch(s, (Integer) group[0], (rows + tokens - 1) / tokens, 128, 0,
                args);
    }

    /** As {@link #gemm8} on gemmh with tile {@code TILES_F16[tile]}; needs {@link #f16Path}. */
    void gemmh(CudaStream s, Act x, int ldx, int rows, boolean accumulate, int tile, Product... ps) {
        CudaTensor w = ps[0].w();
        if (!f16Path(w, ldx)) throw new IllegalArgumentException(w.name() + ": no gemmh product for this layout");
        int[] t = TILES_F16[tile];
        Object[] group = group(ps, t[1]);
        Object[] args = new Object[5 + group.length - 1];
        Object[] head = {x.values(), ldx, rows, w.cols(), accumulate ? 1 : 0};
        System.arraycopy(head, 0, args, 0, head.length);
        System.arraycopy(group, 1, args, head.length, group.length - 1);
        gemmh[tile].launch(s, (Integer) group[0], (rows + t[0] - 1) / t[0], 32 * t[2] * t[3], 0, args);
    }

    /**
     * The grid's column count, then the kernels' group parameters (prompt.cu GROUP_PARAMS): w0..w2, n0..n2,
     * c0..c2, ldc0..ldc2, an absent product as n = 0.
     */
    private static Object[] group(Product[] ps, int tile) {
        if (ps.length < 1 || ps.length > 3) throw new IllegalArgumentException(ps.length + " products in one launch");
        Object[] g = new Object[13];
        int columns = 0;
        for (int i = 0; i < 3; i++) {
            Product p = ps[Math.min(i, ps.length - 1)];
            int n = i < ps.length ? p.w().rows() : 0;
            columns += (n + tile - 1) / tile;
            g[1 + i] = p.w().buffer();
            g[4 + i] = n;
            g[7 + i] = p.c();
            g[10 + i] = p.ldc();
        }
        g[0] = columns;
        return g;
    }

    private static int blocks(int[] tile, int rows, int n) {
        return (rows + tile[0] - 1) / tile[0] * ((n + tile[1] - 1) / tile[1]);
    }

    /** One product on the F16 tensor-core kernel whatever the type and layout (the reference of gemm8, gemmh). */
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
