package dev.hearth.gguf.format;

import java.util.List;

/**
 * Metadata keys and tensor names, spelled as llama.cpp writes them. Per-architecture keys take the architecture
 * as their prefix ({@code llama.block_count}); per-layer tensors take the layer index
 * ({@code blk.3.attn_q.weight}). Names are built here, not concatenated in loaders.
 */
public final class GgufNames {
    private GgufNames() {}

    // ---- general ----
    public static final String ARCHITECTURE = "general.architecture";
    public static final String NAME = "general.name";
    public static final String ALIGNMENT = "general.alignment";
    public static final String FILE_TYPE = "general.file_type";
    public static final String QUANTIZATION_VERSION = "general.quantization_version";

    // ---- per architecture: String.format(KEY, arch) ----
    public static final String CONTEXT_LENGTH = "%s.context_length";
    public static final String EMBEDDING_LENGTH = "%s.embedding_length";
    public static final String BLOCK_COUNT = "%s.block_count";
    public static final String FEED_FORWARD_LENGTH = "%s.feed_forward_length";
    public static final String HEAD_COUNT = "%s.attention.head_count";
    public static final String HEAD_COUNT_KV = "%s.attention.head_count_kv";
    public static final String KEY_LENGTH = "%s.attention.key_length";
    public static final String VALUE_LENGTH = "%s.attention.value_length";
    public static final String RMS_EPSILON = "%s.attention.layer_norm_rms_epsilon";
    public static final String ROPE_FREQ_BASE = "%s.rope.freq_base";
    public static final String ROPE_DIMENSION_COUNT = "%s.rope.dimension_count";
    public static final String ROPE_SCALING_TYPE = "%s.rope.scaling.type";
    public static final String ROPE_SCALING_FACTOR = "%s.rope.scaling.factor";
    public static final String EXPERT_COUNT = "%s.expert_count";
    public static final String VOCAB_SIZE = "%s.vocab_size";

    // ---- tokenizer ----
    public static final String TOKENIZER_MODEL = "tokenizer.ggml.model";
    public static final String TOKENIZER_PRE = "tokenizer.ggml.pre";
    public static final String TOKENS = "tokenizer.ggml.tokens";
    public static final String SCORES = "tokenizer.ggml.scores";
    public static final String TOKEN_TYPE = "tokenizer.ggml.token_type";
    public static final String MERGES = "tokenizer.ggml.merges";
    public static final String CHAT_TEMPLATE = "tokenizer.chat_template";

    /** A special-token id key and the role it names. */
    public record SpecialTokenKey(String role, String key) {}

    /** The special-token id keys; "seperator" is llama.cpp's spelling. */
    public static final List<SpecialTokenKey> SPECIAL_TOKEN_IDS = List.of(
            new SpecialTokenKey("bos", "tokenizer.ggml.bos_token_id"),
            new SpecialTokenKey("eos", "tokenizer.ggml.eos_token_id"),
            new SpecialTokenKey("eot", "tokenizer.ggml.eot_token_id"),
            new SpecialTokenKey("eom", "tokenizer.ggml.eom_token_id"),
            new SpecialTokenKey("unknown", "tokenizer.ggml.unknown_token_id"),
            new SpecialTokenKey("separator", "tokenizer.ggml.seperator_token_id"),
            new SpecialTokenKey("padding", "tokenizer.ggml.padding_token_id"),
            new SpecialTokenKey("mask", "tokenizer.ggml.mask_token_id"),
            new SpecialTokenKey("fim_pre", "tokenizer.ggml.fim_pre_token_id"),
            new SpecialTokenKey("fim_suf", "tokenizer.ggml.fim_suf_token_id"),
            new SpecialTokenKey("fim_mid", "tokenizer.ggml.fim_mid_token_id"),
            new SpecialTokenKey("fim_pad", "tokenizer.ggml.fim_pad_token_id"),
            new SpecialTokenKey("fim_rep", "tokenizer.ggml.fim_rep_token_id"),
            new SpecialTokenKey("fim_sep", "tokenizer.ggml.fim_sep_token_id"));

    // ---- tensors ----
    public static final String TOKEN_EMBD = "token_embd.weight";
    public static final String OUTPUT_NORM = "output_norm.weight";
    public static final String OUTPUT = "output.weight";
    /** Per-frequency RoPE divisors (Llama 3.1+ scaling), F32, rope.dimension_count / 2; optional. */
    public static final String ROPE_FREQS = "rope_freqs.weight";
    public static final String ATTN_NORM = "blk.%d.attn_norm.weight";
    public static final String ATTN_Q = "blk.%d.attn_q.weight";
    public static final String ATTN_K = "blk.%d.attn_k.weight";
    public static final String ATTN_V = "blk.%d.attn_v.weight";
    public static final String ATTN_OUTPUT = "blk.%d.attn_output.weight";
    public static final String FFN_NORM = "blk.%d.ffn_norm.weight";
    public static final String FFN_GATE = "blk.%d.ffn_gate.weight";
    public static final String FFN_UP = "blk.%d.ffn_up.weight";
    public static final String FFN_DOWN = "blk.%d.ffn_down.weight";

    /** {@code key(BLOCK_COUNT, "llama")} = {@code llama.block_count}. */
    public static String key(String pattern, String arch) {
        return String.format(pattern, arch);
    }

    /** {@code layer(ATTN_Q, 3)} = {@code blk.3.attn_q.weight}. */
    public static String layer(String pattern, int layer) {
        return String.format(pattern, layer);
    }
}
