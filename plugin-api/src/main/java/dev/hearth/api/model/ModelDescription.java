package dev.hearth.api.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a format plugin learned about a model file or folder, without loading its weights.
 *
 * @param path           the file or folder that was opened
 * @param format         the id of the {@link ModelFormat} that opened it, e.g. {@code gguf}
 * @param architecture   e.g. {@code llama}
 * @param name           the model's own name, or the file name when it has none
 * @param parameterCount number of weights
 * @param quantization   the dominant or declared quantization, e.g. {@code Q4_K_M}, {@code F16}
 * @param tensorTypes    the quantization mix: tensor count and bytes per storage type
 * @param contextLength  the context the model was trained for
 * @param tokenizer      what kind of tokenizer the model carries
 * @param chatTemplate   the model's own chat template (Jinja), if any
 * @param properties     further facts worth showing, in display order (e.g. {@code weights=random})
 */
public record ModelDescription(
        Path path,
        String format,
        String architecture,
        String name,
        long parameterCount,
        String quantization,
        List<TensorTypeStat> tensorTypes,
        int contextLength,
        TokenizerInfo tokenizer,
        Optional<String> chatTemplate,
        Map<String, String> properties) {

    /** Property set by model writers whose weights are random (synthetic benchmark models). */
    public static final String PROP_RANDOM_WEIGHTS = "weights.random";

    public ModelDescription {
        tensorTypes = List.copyOf(tensorTypes);
        properties = Map.copyOf(properties);
    }

    /** True when the model says its weights are random, so reports can say so. */
    public boolean randomWeights() {
        return Boolean.parseBoolean(properties.getOrDefault(PROP_RANDOM_WEIGHTS, "false"));
    }

    /** Count and size of the tensors stored in one type. */
    public record TensorTypeStat(String type, int tensorCount, long bytes) {}

    /**
     * @param kind          e.g. {@code llama} (SentencePiece-style), {@code gpt2} (byte-level BPE)
     * @param preTokenizer  the pre-tokenizer name, empty when not applicable
     * @param vocabSize     number of tokens
     * @param specialTokens role to token text, e.g. {@code bos -> <s>}
     */
    public record TokenizerInfo(String kind, String preTokenizer, int vocabSize, Map<String, String> specialTokens) {
        public TokenizerInfo {
            specialTokens = Map.copyOf(specialTokens);
        }
    }
}
