package dev.hearth.gguf.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.Set;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import com.google.gson.JsonPrimitive;

import dev.hearth.rope.Llama3RopeScaling;

/**
 * The fields of a Hugging Face {@code config.json} that a Llama-family GGUF needs, checked.
 *
 * @param file              the file read
 * @param architecture      {@code architectures[0]}: LlamaForCausalLM or MistralForCausalLM
 * @param hiddenSize        {@code hidden_size} → {@code llama.embedding_length}
 * @param intermediateSize  {@code intermediate_size} → {@code llama.feed_forward_length}
 * @param layers            {@code num_hidden_layers} → {@code llama.block_count}
 * @param heads             {@code num_attention_heads} → {@code llama.attention.head_count}
 * @param kvHeads           {@code num_key_value_heads} (default heads) → {@code llama.attention.head_count_kv}
 * @param headDim           {@code head_dim} (default hidden_size / heads)
 * @param vocabSize         {@code vocab_size}: rows of the embedding
 * @param contextLength     {@code max_position_embeddings} → {@code llama.context_length}
 * @param rmsEps            {@code rms_norm_eps} → {@code llama.attention.layer_norm_rms_epsilon}
 * @param ropeTheta         {@code rope_theta} (default 10000) → {@code llama.rope.freq_base}
 * @param ropeLinearFactor  {@code rope_scaling.factor} for linear scaling, empty otherwise
 * @param ropeLlama3        {@code rope_scaling} of type llama3 (Llama 3.1+) → {@code rope_freqs.weight}, empty otherwise
 * @param tiedEmbeddings    {@code tie_word_embeddings}: no separate output head
 * @param bosTokenId        {@code bos_token_id}, or -1
 * @param eosTokenId        {@code eos_token_id} (the first when a list), or -1
 */
public record HfLlamaConfig(Path file, String architecture, int hiddenSize, int intermediateSize, int layers, int heads,
        int kvHeads, int headDim, int vocabSize, int contextLength, double rmsEps, double ropeTheta,
        Optional<Double> ropeLinearFactor, Optional<Llama3RopeScaling> ropeLlama3, boolean tiedEmbeddings, int bosTokenId, int eosTokenId) {

    public static final String FILE_NAME = "config.json";

    /** The {@code architectures[0]} values converted, all with llama.cpp's {@code llama} graph. */
    public static final Set<String> ARCHITECTURES = Set.of("LlamaForCausalLM", "MistralForCausalLM");

    /** Reads and checks {@code folder/config.json}. */
    public static HfLlamaConfig read(Path folder) throws IOException {
        Path file = folder.resolve(FILE_NAME);
        if (!Files.isRegularFile(file)) {
            throw new ConversionException(folder, FILE_NAME, "missing: a Hugging Face model folder needs config.json");
        }
        JsonObject o;
        try {
            o = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new ConversionException(file, "", "not a JSON object: " + e.getMessage(), e);
        }
        JsonElement archs = o.get("architectures");
        if (archs == null || !archs.isJsonArray() || archs.getAsJsonArray().isEmpty()) {
            throw new ConversionException(file, "architectures", "missing (e.g. [\"LlamaForCausalLM\"])");
        }
        String arch = archs.getAsJsonArray().get(0).getAsString();
        if (!ARCHITECTURES.contains(arch)) {
            throw new ConversionException(file, "architectures", "'" + arch + "' is not supported; supported: "
                    + String.join(", ", new java.util.TreeSet<>(ARCHITECTURES)));
        }
        int hidden = positive(file, o, "hidden_size", null);
        int heads = positive(file, o, "num_attention_heads", null);
        int kvHeads = positive(file, o, "num_key_value_heads", heads);
        if (heads % kvHeads != 0) {
            throw new ConversionException(file, "num_key_value_heads", kvHeads + " does not divide num_attention_heads " + heads);
        }
        if (!o.has("head_dim") && hidden % heads != 0) {
            throw new ConversionException(file, "num_attention_heads", heads + " does not divide hidden_size " + hidden);
        }
        int headDim = positive(file, o, "head_dim", hidden / heads);
        if (headDim % 2 != 0) {
            throw new ConversionException(file, "head_dim", headDim + " is odd; RoPE needs an even head size");
        }
        Optional<Double> linear = Optional.empty();
        Optional<Llama3RopeScaling> llama3 = Optional.empty();
        JsonElement rs = o.get("rope_scaling");
        if (rs != null && rs.isJsonObject()) {
            JsonObject s = rs.getAsJsonObject();
            String type = s.has("rope_type") ? s.get("rope_type").getAsString()
                    : s.has("type") ? s.get("type").getAsString() : "";
            if (type.equals("linear")) {
                linear = Optional.of(number(file, s, "factor", "rope_scaling.factor", null));
            } else if (type.equals("llama3")) {
                llama3 = Optional.of(llama3(file, s));
            } else if (!type.equals("default")) {
                throw new ConversionException(file, "rope_scaling.rope_type", "'" + type
                        + "' is not supported; supported: linear, llama3");
            }
        }
        double eps = number(file, o, "rms_norm_eps", "rms_norm_eps", 1e-6);
        return new HfLlamaConfig(file, arch, hidden, positive(file, o, "intermediate_size", null),
                positive(file, o, "num_hidden_layers", null), heads, kvHeads, headDim,
                positive(file, o, "vocab_size", null), positive(file, o, "max_position_embeddings", 2048), eps,
                number(file, o, "rope_theta", "rope_theta", 10000.0), linear, llama3,
                o.has("tie_word_embeddings") && o.get("tie_word_embeddings").getAsBoolean(),
                id(o, "bos_token_id"), id(o, "eos_token_id"));
    }

    /** The four llama3 fields, all required as transformers requires them, checked by {@link Llama3RopeScaling}. */
    private static Llama3RopeScaling llama3(Path file, JsonObject s) throws ConversionException {
        double factor = number(file, s, "factor", "rope_scaling.factor", null);
        double low = number(file, s, "low_freq_factor", "rope_scaling.low_freq_factor", null);
        double high = number(file, s, "high_freq_factor", "rope_scaling.high_freq_factor", null);
        int original = positive(file, s, "original_max_position_embeddings",
                "rope_scaling.original_max_position_embeddings", null);
        try {
            return new Llama3RopeScaling(factor, low, high, original);
        } catch (Llama3RopeScaling.InvalidException e) {
            throw new ConversionException(file, "rope_scaling." + e.field(), e.getMessage());
        }
    }

    private static int positive(Path file, JsonObject o, String field, Integer fallback) throws ConversionException {
        return positive(file, o, field, field, fallback);
    }

    private static int positive(Path file, JsonObject o, String field, String item, Integer fallback)
            throws ConversionException {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            if (fallback == null) throw new ConversionException(file, item, "missing");
            return fallback;
        }
        if (!(e instanceof JsonPrimitive p) || !p.isNumber() || p.getAsDouble() != Math.rint(p.getAsDouble())) {
            throw new ConversionException(file, item, "expected an integer, found " + e);
        }
        long v = p.getAsLong();
        if (v <= 0 || v > Integer.MAX_VALUE) {
            throw new ConversionException(file, item, "must be a positive int, found " + v);
        }
        return (int) v;
    }

    private static double number(Path file, JsonObject o, String field, String item, Double fallback)
            throws ConversionException {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) {
            if (fallback == null) throw new ConversionException(file, item, "missing");
            return fallback;
        }
        if (!(e instanceof JsonPrimitive p) || !p.isNumber() || !(p.getAsDouble() > 0)) {
            throw new ConversionException(file, item, "expected a positive number, found " + e);
        }
        return p.getAsDouble();
    }

    private static int id(JsonObject o, String field) {
        JsonElement e = o.get(field);
        if (e == null || e.isJsonNull()) return -1;
        if (e.isJsonArray()) return e.getAsJsonArray().isEmpty() ? -1 : e.getAsJsonArray().get(0).getAsInt();
        return e.getAsInt();
    }

    /** {@code rope_freqs.weight} as llama.cpp's converter writes it for llama3 scaling: one divisor per frequency. */
    public Optional<float[]> ropeFreqs() {
        return ropeLlama3.map(r -> r.divisors(ropeTheta, headDim));
    }

    public int qDim() { return heads * headDim; }

    public int kvDim() { return kvHeads * headDim; }
}
