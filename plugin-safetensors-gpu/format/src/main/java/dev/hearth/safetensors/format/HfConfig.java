package dev.hearth.safetensors.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;

import com.google.gson.JsonObject;

import dev.hearth.rope.Llama3RopeScaling;

/**
 * A Hugging Face {@code config.json} for the decoder-only families this plugin supports. Absent fields take the
 * defaults of transformers' configuration class for the architecture.
 *
 * @param file                  the file read
 * @param architecture          {@code architectures[0]}: LlamaForCausalLM, MistralForCausalLM or Qwen2ForCausalLM
 * @param modelType             {@code model_type}, e.g. {@code llama}
 * @param hiddenSize            {@code hidden_size}
 * @param intermediateSize      {@code intermediate_size}
 * @param numHiddenLayers       {@code num_hidden_layers}
 * @param numAttentionHeads     {@code num_attention_heads}
 * @param numKeyValueHeads      {@code num_key_value_heads} (default: num_attention_heads)
 * @param headDim               {@code head_dim} (default: hidden_size / num_attention_heads)
 * @param vocabSize             {@code vocab_size}
 * @param maxPositionEmbeddings {@code max_position_embeddings}, capped at {@code sliding_window} where one applies:
 *                              windowed attention equals full attention while the sequence fits the window, and the
 *                              graphs attend fully, so the context stops there rather than attend wrongly beyond it
 * @param ropeTheta             {@code rope_theta}
 * @param ropeScaling           {@code rope_scaling}: empty, linear or llama3 scaling
 * @param rmsNormEps            {@code rms_norm_eps}
 * @param tieWordEmbeddings     {@code tie_word_embeddings}: lm_head shares the embedding's weights
 * @param attentionBias         q/k/v projections have biases ({@code attention_bias}; always for Qwen2)
 * @param torchDtype            {@code torch_dtype} (or {@code dtype}), e.g. {@code float16}; empty when absent
 * @param bosTokenId            {@code bos_token_id}, or -1
 * @param eosTokenIds           {@code eos_token_id}: a number or a list
 */
public record HfConfig(Path file, String architecture, String modelType, int hiddenSize, int intermediateSize,
        int numHiddenLayers, int numAttentionHeads, int numKeyValueHeads, int headDim, int vocabSize,
        int maxPositionEmbeddings, double ropeTheta, Optional<RopeScaling> ropeScaling, double rmsNormEps,
        boolean tieWordEmbeddings, boolean attentionBias, String torchDtype, int bosTokenId, List<Integer> eosTokenIds) {

    public static final String FILE_NAME = "config.json";

    /** The supported {@code architectures[0]} values and their {@code model_type}. */
    public static final Map<String, String> ARCHITECTURES = Map.of(
            "LlamaForCausalLM", "llama",
            "MistralForCausalLM", "mistral",
            "Qwen2ForCausalLM", "qwen2");

    public HfConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** A supported {@code rope_scaling}: its {@code rope_type} and {@code factor}. */
    public sealed interface RopeScaling {
        String type();

        double factor();

        /** Linear scaling: positions are divided by {@code factor}. */
        record Linear(double factor) implements RopeScaling {
            @Override public String type() { return "linear"; }
        }

        /** Llama 3.1's per-frequency scaling. */
        record Llama3(Llama3RopeScaling scaling) implements RopeScaling {
            @Override public String type() { return "llama3"; }

            @Override public double factor() { return scaling.factor(); }
        }
    }

    /** Query heads per key/value head. */
    public int groupSize() { return numAttentionHeads / numKeyValueHeads; }

    /** Rows of q_proj: heads × head_dim. */
    public int queryDim() { return numAttentionHeads * headDim; }

    /** Rows of k_proj and v_proj: KV heads × head_dim. */
    public int keyValueDim() { return numKeyValueHeads * headDim; }

    /**
     * Reads and checks {@code config.json}.
     *
     * @throws SafetensorsException naming the file and field: missing, mistyped or inconsistent fields
     * @throws dev.hearth.api.model.UnsupportedModelException for an architecture or RoPE scaling not supported
     */
    public static HfConfig read(Path file) throws IOException {
        HfJson json = HfJson.read(file);
        // architecture first: the defaults depend on it
        List<String> archs = json.strings("architectures");
        if (archs.isEmpty()) {
            throw json.error("architectures", "missing (e.g. [\"LlamaForCausalLM\"])");
        }
        String arch = archs.getFirst();
        if (!ARCHITECTURES.containsKey(arch)) {
            throw SafetensorsException.unsupported(file, "architectures", arch,
                    String.join(", ", new java.util.TreeSet<>(ARCHITECTURES.keySet())));
        }
        boolean qwen = arch.equals("Qwen2ForCausalLM");
        boolean mistral = arch.equals("MistralForCausalLM");
        String modelType = json.optString("model_type").orElse(ARCHITECTURES.get(arch));

        int hidden = json.positive("hidden_size", json.requireInt("hidden_size"));
        int ffn = json.positive("intermediate_size", json.requireInt("intermediate_size"));
        int layers = json.positive("num_hidden_layers", json.requireInt("num_hidden_layers"));
        int heads = json.positive("num_attention_heads", json.requireInt("num_attention_heads"));
        int kvHeads = json.positive("num_key_value_heads", json.optInt("num_key_value_heads").orElse(heads));
        if (heads % kvHeads != 0) {
            throw json.error("num_key_value_heads", kvHeads + " does not divide num_attention_heads " + heads);
        }
        if (!json.has("head_dim") && hidden % heads != 0) {
            throw json.error("num_attention_heads", heads + " does not divide hidden_size " + hidden
                    + " and head_dim is not given");
        }
        int headDim = json.positive("head_dim", json.optInt("head_dim").orElse(hidden / heads));
        int vocab = json.positive("vocab_size", json.requireInt("vocab_size"));
        int context = json.positive("max_position_embeddings", json.optInt("max_position_embeddings")
                .orElse(qwen ? 32768 : mistral ? 131072 : 2048));
        OptionalInt window = slidingWindow(json, qwen);
        if (window.isPresent() && window.getAsInt() < context) context = window.getAsInt();
        double theta = json.optDouble("rope_theta").orElse(qwen ? 1_000_000.0 : 10_000.0);
        if (!(theta > 0)) {
            throw json.error("rope_theta", "must be positive, found " + theta);
        }
        double eps = json.optDouble("rms_norm_eps").orElse(1e-6);
        if (!(eps > 0 && eps < 1)) {
            throw json.error("rms_norm_eps", "must be in (0, 1), found " + eps);
        }
        Optional<RopeScaling> scaling = ropeScaling(json);
        boolean tied = json.optBool("tie_word_embeddings").orElse(false);
        boolean bias = qwen || json.optBool("attention_bias").orElse(false);
        String dtype = json.optString("torch_dtype").or(() -> {
            try {
                return json.optString("dtype");
            } catch (SafetensorsException e) {
                return Optional.empty();
            }
        }).orElse("");
        int bos = json.optInt("bos_token_id").orElse(-1);
        List<Integer> eos = json.ints("eos_token_id");
        for (int id : eos) {
            if (id < 0 || id >= vocab) {
                throw json.error("eos_token_id", id + " is outside the vocabulary of " + vocab);
            }
        }
        if (bos < -1 || bos >= vocab) {
            throw json.error("bos_token_id", bos + " is outside the vocabulary of " + vocab);
        }
        return new HfConfig(file, arch, modelType, hidden, ffn, layers, heads, kvHeads, headDim, vocab, context,
                theta, scaling, eps, tied, bias, dtype, bos, eos);
    }

    /** Mistral's {@code sliding_window} (null: none); Qwen2's only with {@code use_sliding_window}. */
    private static OptionalInt slidingWindow(HfJson json, boolean qwen) throws SafetensorsException {
        if (qwen && !json.optBool("use_sliding_window").orElse(false)) return OptionalInt.empty();
        OptionalInt w = json.optInt("sliding_window");
        if (w.isPresent()) json.positive("sliding_window", w.getAsInt());
        return w;
    }

    private static Optional<RopeScaling> ropeScaling(HfJson json) throws dev.hearth.api.model.ModelFileException {
        Optional<JsonObject> o = json.object("rope_scaling");
        if (o.isEmpty()) {
            return Optional.empty();
        }
        HfJson s = new HfJson(json.file(), o.get());
        String type = s.optString("rope_type").or(() -> {
            try {
                return s.optString("type");
            } catch (SafetensorsException e) {
                return Optional.empty();
            }
        }).orElseThrow(() -> json.error("rope_scaling.rope_type", "missing"));
        if (type.equals("default")) {
            return Optional.empty();
        }
        // yarn and dynamic change attention scaling or depend on the sequence length: not in our graphs
        if (!type.equals("linear") && !type.equals("llama3")) {
            throw SafetensorsException.unsupported(json.file(), "rope_scaling.rope_type", type, "linear, llama3");
        }
        double factor = s.optDouble("factor").orElseThrow(() -> json.error("rope_scaling.factor", "missing"));
        if (type.equals("linear")) {
            if (!(factor >= 1)) {
                throw json.error("rope_scaling.factor", "must be at least 1, found " + factor);
            }
            return Optional.of(new RopeScaling.Linear(factor));
        }
        double low = s.optDouble("low_freq_factor").orElseThrow(() -> missingLlama3(json, "low_freq_factor"));
        double high = s.optDouble("high_freq_factor").orElseThrow(() -> missingLlama3(json, "high_freq_factor"));
        int original = s.optInt("original_max_position_embeddings")
                .orElseThrow(() -> missingLlama3(json, "original_max_position_embeddings"));
        try {
            return Optional.of(new RopeScaling.Llama3(new Llama3RopeScaling(factor, low, high, original)));
        } catch (Llama3RopeScaling.InvalidException e) {
            throw json.error("rope_scaling." + e.field(), e.getMessage());
        }
    }

    /** transformers requires all four llama3 fields; so do we. */
    private static SafetensorsException missingLlama3(HfJson json, String field) {
        return json.error("rope_scaling." + field, "missing (llama3 scaling needs factor, low_freq_factor, "
                + "high_freq_factor and original_max_position_embeddings)");
    }
}
