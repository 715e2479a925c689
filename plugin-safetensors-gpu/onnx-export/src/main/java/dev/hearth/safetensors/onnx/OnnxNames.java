package dev.hearth.safetensors.onnx;

import java.util.Locale;

/**
 * The contract between an exported decoder graph and the engine that runs it: input and output names, layouts and
 * the metadata keys of {@code model.onnx}. Batch size is always 1.
 *
 * <p>Plain graphs ({@link OnnxExportOptions#fused()} false) keep the KV cache <b>sequence-major</b> so that a
 * prefix of the cache is one contiguous block:
 * <ul>
 *   <li>{@value #INPUT_IDS}, {@value #POSITION_IDS}: int64 {@code [1, T]}, positions {@code past .. past+T-1};</li>
 *   <li>{@code past_key.L}, {@code past_value.L}: {@code [1, P, kv_heads, head_dim]} (P may be 0);</li>
 *   <li>{@code present_key.L}, {@code present_value.L}: {@code [1, T, kv_heads, head_dim]}, <em>only the T new
 *       positions</em> (keys after RoPE); the engine appends them to its cache;</li>
 *   <li>{@value #LOGITS}: {@code [1, T, vocab]}; {@value #LOGITS_LAST}: {@code [1, 1, vocab]}, computed alone when
 *       only it is asked for.</li>
 * </ul>
 * Fused graphs use ONNX Runtime's {@code GroupQueryAttention}: past and present are head-major
 * {@code [1, kv_heads, capacity, head_dim]} buffers of the session's full capacity, and present is the same
 * memory as past (ONNX Runtime's shared past/present buffer), with {@value #SEQLENS_K} and
 * {@value #TOTAL_SEQUENCE_LENGTH} telling it how much is filled.
 */
public final class OnnxNames {
    private OnnxNames() {}

    public static final String INPUT_IDS = "input_ids";
    public static final String POSITION_IDS = "position_ids";
    public static final String PAST_KEY = "past_key.%d";
    public static final String PAST_VALUE = "past_value.%d";
    public static final String PRESENT_KEY = "present_key.%d";
    public static final String PRESENT_VALUE = "present_value.%d";
    public static final String LOGITS = "logits";
    public static final String LOGITS_LAST = "logits_last";
    /** Fused graphs: int32 {@code [1]}, tokens in the cache after this run minus one (GroupQueryAttention). */
    public static final String SEQLENS_K = "seqlens_k";
    /** Fused graphs: int32 scalar, tokens in the cache after this run. */
    public static final String TOTAL_SEQUENCE_LENGTH = "total_sequence_length";

    /** metadata_props keys of {@code model.onnx}. */
    public static final String META_LAYOUT = "hearth.kv_layout";
    public static final String META_PRECISION = "hearth.precision";
    /** Int4 graphs only: MatMulNBits' block_size. */
    public static final String META_INT4_BLOCK_SIZE = "hearth.int4.block_size";
    public static final String META_LAYERS = "hearth.num_layers";
    public static final String META_KV_HEADS = "hearth.kv_heads";
    public static final String META_HEAD_DIM = "hearth.head_dim";
    public static final String META_VOCAB = "hearth.vocab_size";
    public static final String META_MAX_POSITIONS = "hearth.max_positions";

    /** {@link #META_LAYOUT} of plain graphs: sequence-major past, present holds only the new positions. */
    public static final String LAYOUT_APPEND = "append-bsnh";
    /** {@link #META_LAYOUT} of fused graphs: head-major shared past/present buffers of the full capacity. */
    public static final String LAYOUT_SHARED = "shared-bnsh";

    public static String layer(String pattern, int layer) {
        return String.format(Locale.ROOT, pattern, layer);
    }
}
