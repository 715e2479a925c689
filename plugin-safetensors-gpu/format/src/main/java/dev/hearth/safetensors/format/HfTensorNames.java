package dev.hearth.safetensors.format;

/** The tensor names of transformers' Llama, Mistral and Qwen2 checkpoints, in one place. */
public final class HfTensorNames {
    private HfTensorNames() {}

    public static final String EMBED_TOKENS = "model.embed_tokens.weight";
    public static final String NORM = "model.norm.weight";
    public static final String LM_HEAD = "lm_head.weight";

    public static final String INPUT_LAYERNORM = "model.layers.%d.input_layernorm.weight";
    public static final String POST_ATTENTION_LAYERNORM = "model.layers.%d.post_attention_layernorm.weight";
    public static final String Q_PROJ = "model.layers.%d.self_attn.q_proj.weight";
    public static final String K_PROJ = "model.layers.%d.self_attn.k_proj.weight";
    public static final String V_PROJ = "model.layers.%d.self_attn.v_proj.weight";
    public static final String O_PROJ = "model.layers.%d.self_attn.o_proj.weight";
    public static final String Q_BIAS = "model.layers.%d.self_attn.q_proj.bias";
    public static final String K_BIAS = "model.layers.%d.self_attn.k_proj.bias";
    public static final String V_BIAS = "model.layers.%d.self_attn.v_proj.bias";
    public static final String GATE_PROJ = "model.layers.%d.mlp.gate_proj.weight";
    public static final String UP_PROJ = "model.layers.%d.mlp.up_proj.weight";
    public static final String DOWN_PROJ = "model.layers.%d.mlp.down_proj.weight";
    /** Older checkpoints store RoPE's inverse frequencies; they are derived from the config and ignored. */
    public static final String ROTARY_INV_FREQ = "model.layers.%d.self_attn.rotary_emb.inv_freq";

    public static String layer(String pattern, int layer) {
        return String.format(java.util.Locale.ROOT, pattern, layer);
    }
}
