package dev.hearth.gguf.quant;

import static dev.hearth.gguf.quant.Simd.FLOAT;

import java.util.Arrays;

/**
 * A prompt batch's activations turned on their side for {@link PanelKernels}: one vector holds element {@code k} of
 * {@code L} tokens ({@code L} = {@link Simd#FLOAT}'s lanes), so that a weight, broadcast, multiplies {@code L} tokens
 * in one multiply-add and no product ends in a sum across lanes. What an element is depends on the rows: the
 * activation's float (F16, BF16), its Q8_0 lane float (Q8_0), or its Q8_K quant (Q4_K row groups, whose exact sums
 * also need each token's scale and sub-block sums: {@link #blockScales}, {@link #pairSums}).
 *
 * <p>Layout: the tokens {@code [from, to)} in tiles of {@link #TILE} ({@code 2 L}), the last one filled up with
 * zeros, each tile an array of its own that holds element {@code k} of its tokens side by side: token
 * {@code from + T tile + j} at {@code tiles[tile][T k + j]} ({@code T} = {@link #TILE}), so a kernel reads a tile as
 * one stream from index 0 (an offset into one array for all tiles took the kernel's loop one general register more
 * than x86 has, and C2 moved the panel's address to a vector register and back every step).
 *
 * <p>Filled once per product ({@link #start}, then {@link #fillBlocks} on the pool), then read by every thread. One
 * instance per product input; it grows as needed and is reused without allocating.
 */
public final class TokenPanel {

    /** Tokens a vector of the panel holds. */
    static final int LANES = FLOAT.length();
    /** Tokens a tile of the panel holds: two vectors, as {@link PanelKernels} reads them. */
    static final int TILE = 2 * LANES;
    /** Elements per block of {@link #fill}: a block's lines of the panel stay in L1 while every token writes them. */
    private static final int FILL_BLOCK = 64;

    float[][] tiles = new float[0][];
    /**
     * Q4_K rows: per tile, super-block {@code b}'s Q8_K scale of token {@code j} at {@code T b + j}, and the sums of
     * its quants by sub-block {@code s} ({@code sums[16 b + 2 s] + sums[16 b + 2 s + 1]}) at {@code T (8 b + s) + j};
     * zeros for missing tokens.
     */
    float[][] blockScales = new float[0][];
    float[][] pairSums = new float[0][];
    /** The activations of the last {@link #start}, which {@link #fillBlocks} reads. */
    private Activation[] xs;
    QuantType type;
    int n;
    int from;
    int to;

    /**
     * System property: {@code false} keeps prompts over float rows on {@link FloatRowKernels#dotTiles} and over Q8_0
     * and Q4_K row groups on their 16-bit kernels ({@code true} by default where panels {@link #fits}). With panels, one Zen 5 thread ran 16-row groups of F16 rows by 96 tokens
     * at 130-137 GFLOP/s against 91-95, and one 16-core Xeon thread at 81-87 against 59-64. F16 pp512 (2026-11-27,
     * docs/perf.md): the 2-core Zen 5 106-118 against 77-81 tokens/s; the Xeon 304-351 against 214-248 with the tiles
     * of the same build, 296 against 309 with those of {@code 0935018}.
     */
    public static final String PROPERTY = "hearth.cpu.panels";
    /** Whether prompts over float rows and decoded row groups take panels in this process ({@link #PROPERTY}). */
    private static final boolean ON = choose();

    private static boolean choose() {
        String property = System.getProperty(PROPERTY);
        boolean on = chosen(property, Simd.BITS == 512);
        String way = on ? "token panels" : "dot tiles and 16-bit group kernels";
        String why = property == null ? "default" : PROPERTY + "=" + property;
        System.getLogger("dev.hearth.gguf").log(System.Logger.Level.INFO, "gguf-cpu prompts over float rows and"
                + " Q8_0 / Q4_K row groups: " + way + " (" + why + ", " + Simd.BITS + "-bit vectors)");
        return on;
    }

    /**
     * The choice for a property value (null or blank: none) and whether 512-bit vectors run here (the kernel's 28
     * vector registers need AVX-512's 32).
     */
    static boolean chosen(String property, boolean wideVectors) {
        // the property is checked first, so a wrong value is an error on every CPU
        return CpuInfo.choice(PROPERTY, property, "true", "false", true) && wideVectors;
    }

    /**
     * Whether a product of {@code batch} tokens with rows of {@code type}, repacked in row groups where
     * {@code grouped}, goes through a panel in this process: where {@link #ON} and a panel {@link #fits}.
     */
    public static boolean applies(QuantType type, int batch, boolean grouped) {
        return ON && fits(type, batch) && (grouped ? DecodedGroup.decodes(type) : UnpackedRow.floatRows(type));
    }

    /**
     * Whether a panel holds {@code batch} tokens for rows of {@code type} here: float rows ({@link UnpackedRow}: F16,
     * BF16, Q8_0) or Q4_K row groups ({@link DecodedGroup}), 512-bit vectors and at least a tile of tokens; smaller
     * batches keep {@link FloatRowKernels#dotTiles} and the groups' own kernels, which waste no lanes on missing
     * tokens.
     */
    static boolean fits(QuantType type, int batch) {
        boolean rows = UnpackedRow.supports(type) && UnpackedRow.floatRows(type)
                || type == QuantType.Q4_K && RowGroups.supported();
        return Simd.BITS == 512 && rows && batch >= TILE;
    }

    /** Kinds of panel ({@link #kind}): what one holds differs from kind to kind. */
    public static final int KINDS = 3;

    /**
     * The kind of panel rows of {@code rows} multiply: 0 the activations' floats (F16 and BF16 alike), 1 their Q8_0
     * lane floats (Q8_0), 2 their Q8_K quants (Q4_K).
     */
    public static int kind(QuantType rows) {
        return rows == QuantType.Q8_0 ? 1 : rows == QuantType.Q4_K ? 2 : 0;
    }

    /** Whether this panel holds what rows of {@code rows} multiply ({@link #kind}). */
    boolean holdsFor(QuantType rows) {
        return kind(rows) == kind(type);
    }

    /**
     * Fills the panel with the activations {@code xs[from, to)} as rows of {@code type} multiply them (the floats, or
     * Q8_0's lane floats: each prepared for unpacked rows), on the calling thread: {@link #start}, then every block.
     */
    void fill(QuantType type, Activation[] xs, int from, int to) {
        start(type, xs, from, to);
        fillBlocks(0, blocks());
    }

    /**
     * Takes the activations {@code xs[from, to)} for rows of {@code type}; {@link #fillBlocks} then fills the panel
     * from them, block by block, from any threads at once (each block writes lines of its own).
     */
    public void start(QuantType type, Activation[] xs, int from, int to) {
        if (!fits(type, to - from)) {
            throw new IllegalArgumentException(to - from + " tokens of " + type + " rows fit no panel here");
        }
        int n = xs[from].length();
        for (int t = from; t < to; t++) {
            if (xs[t].length() != n) {
                throw new IllegalArgumentException("token " + t + " has " + xs[t].length() + " elements, token "
                        + from + " " + n);
            }
        }
        if ((long) TILE * n > Integer.MAX_VALUE - 16) {
            throw new IllegalArgumentException(n + " elements exceed a panel's tile");
        }
        int count = tiles(to - from);
        if (tiles.length < count) tiles = Arrays.copyOf(tiles, count);
        for (int tile = 0; tile < count; tile++) {
            if (tiles[tile] == null || tiles[tile].length < TILE * n) tiles[tile] = new float[TILE * n];
        }
        this.xs = xs;
        this.type = type;
        this.n = n;
        this.from = from;
        this.to = to;
        if (type == QuantType.Q4_K) fillBlockSums(count);
    }

    /** Fills {@link #blockScales} and {@link #pairSums} of the Q8_K activations for {@code count} tiles. */
    private void fillBlockSums(int count) {
        int blocks = n / Q4_KKernels.BLOCK_SIZE;
        if (blockScales.length < count) {
            blockScales = Arrays.copyOf(blockScales, count);
            pairSums = Arrays.copyOf(pairSums, count);
        }
        for (int tile = 0; tile < count; tile++) {
            if (blockScales[tile] == null || blockScales[tile].length < TILE * blocks) {
                blockScales[tile] = new float[TILE * blocks];
                pairSums[tile] = new float[8 * TILE * blocks];
            }
            for (int j = 0; j < TILE; j++) {
                int t = from + tile * TILE + j;
                Q8Activation q = t < to ? xs[t].q8_K() : null;
                for (int b = 0; b < blocks; b++) {
                    blockScales[tile][TILE * b + j] = q == null ? 0f : q.scales()[b];
                    for (int s = 0; s < 8; s++) {
                        pairSums[tile][TILE * (8 * b + s) + j] =
                                q == null ? 0f : q.sums()[16 * b + 2 * s] + q.sums()[16 * b + 2 * s + 1];
                    }
                }
            }
        }
    }

    /** Blocks of elements {@link #fillBlocks} takes. */
    public int blocks() {
        return (n + FILL_BLOCK - 1) / FILL_BLOCK;
    }

    /** Fills elements {@code [b0, b1)} blocks of every token, after {@link #start}. */
    public void fillBlocks(int b0, int b1) {
        int k0 = b0 * FILL_BLOCK;
        int k1 = Math.min(n, b1 * FILL_BLOCK);
        for (int tile = 0; tile < tiles(to - from); tile++) {
            fillTile(from + tile * TILE, tiles[tile], k0, k1);
        }
    }

    /** Tiles a batch of {@code tokens} takes. */
    static int tiles(int tokens) {
        return (tokens + TILE - 1) / TILE;
    }

    /** Elements {@code [k0, k1)} of the tile from token {@code first}. */
    private void fillTile(int first, float[] tile, int k0, int k1) {
        for (int kb = k0; kb < k1; kb += FILL_BLOCK) {
            int ke = Math.min(k1, kb + FILL_BLOCK);
            for (int j = 0; j < TILE; j++) {
                int t = first + j;
                if (t < to && type == QuantType.Q4_K) {
                    byte[] quants = xs[t].q8_K().quants();
                    for (int k = kb; k < ke; k++) tile[j + k * TILE] = quants[k];
                } else if (t < to) {
                    float[] src = UnpackedRow.floats(type, xs[t], n);
                    int off = UnpackedRow.offset(type, xs[t]);
                    for (int k = kb; k < ke; k++) tile[j + k * TILE] = src[off + k];
                } else {
                    for (int k = kb; k < ke; k++) tile[j + k * TILE] = 0f;
                }
            }
        }
    }
}
