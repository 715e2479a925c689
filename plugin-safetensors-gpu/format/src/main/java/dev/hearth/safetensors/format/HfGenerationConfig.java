package dev.hearth.safetensors.format;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;
import java.util.OptionalInt;

/**
 * {@code generation_config.json}: the model's default generation settings; every field is optional.
 *
 * @param file              the file read
 * @param bosTokenId        {@code bos_token_id}
 * @param eosTokenIds       {@code eos_token_id}, a number or a list
 * @param doSample          {@code do_sample}
 * @param temperature       {@code temperature}
 * @param topP              {@code top_p}
 * @param topK              {@code top_k}
 * @param repetitionPenalty {@code repetition_penalty}
 * @param maxNewTokens      {@code max_new_tokens}
 * @param maxLength         {@code max_length}
 */
public record HfGenerationConfig(Path file, OptionalInt bosTokenId, List<Integer> eosTokenIds,
        Optional<Boolean> doSample, OptionalDouble temperature, OptionalDouble topP, OptionalInt topK,
        OptionalDouble repetitionPenalty, OptionalInt maxNewTokens, OptionalInt maxLength) {

    public static final String FILE_NAME = "generation_config.json";

    public HfGenerationConfig {
        eosTokenIds = List.copyOf(eosTokenIds);
    }

    /** @throws SafetensorsException naming the file and field of a mistyped value */
    public static HfGenerationConfig read(Path file) throws IOException {
        HfJson json = HfJson.read(file);
        return new HfGenerationConfig(file, json.optInt("bos_token_id"), json.ints("eos_token_id"),
                json.optBool("do_sample"), json.optDouble("temperature"), json.optDouble("top_p"),
                json.optInt("top_k"), json.optDouble("repetition_penalty"), json.optInt("max_new_tokens"),
                json.optInt("max_length"));
    }
}
