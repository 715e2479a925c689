package dev.hearth.gguf.llama;

/** GGUF metadata keys and tensor names of Llama-family models, in one place. */
public final class LlamaNames {

    private LlamaNames() {
    }

    public static final String ARCHITECTURE = "general.architecture";

    // per-architecture keys: prefix with the architecture, e.g. "llama" + CONTEXT_LENGTH
    public static final String CONTEXT_LENGTH = ".context_length";
    public static final String EMBEDDING_LENGTH = ".embedding_length";
    public static final String BLOCK_COUNT = ".block_count";
    public static final String FEED_FORWARD_LENGTH = ".feed_forward_length";
    public static final String HEAD_COUNT = ".attention.head_count";
    public static final String HEAD_COUNT_KV = ".attention.head_count_kv";
    public static final String KEY_LENGTH = ".attention.key_length";
    public static final String RMS_EPSILON = ".attention.layer_norm_rms_epsilon";
    public static final String ROPE_DIMENSION_COUNT = ".rope.dimension_count";
    public static final String ROPE_FREQ_BASE = ".rope.freq_base";
    public static final String ROPE_SCALING_TYPE = ".rope.scaling.type";
    public static final String ROPE_SCALING_FACTOR = ".rope.scaling.factor";

    public static final String TOKEN_EMBD = "token_embd.weight";
    public static final String OUTPUT_NORM = "output_norm.weight";
    public static final String OUTPUT = "output.weight";
    public static final String ATTN_NORM = "blk.%d.attn_norm.weight";
    public static final String ATTN_Q = "blk.%d.attn_q.weight";
    public static final String ATTN_K = "blk.%d.attn_k.weight";
    public static final String ATTN_V = "blk.%d.attn_v.weight";
    public static final String ATTN_OUTPUT = "blk.%d.attn_output.weight";
    public static final String FFN_NORM = "blk.%d.ffn_norm.weight";
    public static final String FFN_GATE = "blk.%d.ffn_gate.weight";
    public static final String FFN_UP = "blk.%d.ffn_up.weight";
    public static final String FFN_DOWN = "blk.%d.ffn_down.weight";

    /** Architectures that share Llama's tensors and forward pass. */
    public static final java.util.Set<String> LLAMA_LIKE = java.util.Set.of("llama", "mistral");

    public static String layer(String pattern, int layer) {
        return String.format(java.util.Locale.ROOT, pattern, layer);
    }
}
