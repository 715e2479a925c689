package dev.hearth.tokenizer.hf;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Optional;
import java.util.Set;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;

import dev.hearth.api.model.ModelFileException;
import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.tokenizer.SentencePieceTokenizer;

/** The tokenizer of a Hugging Face model folder. */
public final class HfTokenizers {
    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String TOKENIZER_MODEL = "tokenizer.model";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";
    public static final String GENERATION_CONFIG = "generation_config.json";

    private HfTokenizers() {}

    /** Whether the folder holds a tokenizer this class can load. */
    public static boolean present(Path folder) {
        return Files.isRegularFile(folder.resolve(TOKENIZER_JSON)) || Files.isRegularFile(folder.resolve(TOKENIZER_MODEL));
    }

    /**
     * Loads the folder's tokenizer: {@code tokenizer.json} when present, else the SentencePiece
     * {@code tokenizer.model}. {@code tokenizer_config.json}, when present, names BOS and EOS and says whether
     * BOS/EOS are added ({@code add_bos_token}, {@code add_eos_token}); {@code generation_config.json}'s
     * {@code eos_token_id} (a number or a list) adds tokens that end generation.
     *
     * @throws ModelFileException naming the file and field when a file is malformed or unsupported, or when the
     *                            folder has no tokenizer
     */
    public static Tokenizer load(Path folder) throws IOException {
        Path configFile = folder.resolve(TOKENIZER_CONFIG);
        Optional<HfTokenizerConfig> config = Files.isRegularFile(configFile)
                ? Optional.of(HfTokenizerConfig.read(configFile)) : Optional.empty();
        Path json = folder.resolve(TOKENIZER_JSON);
        if (Files.isRegularFile(json)) {
            HfTokenizerJson t = HfTokenizerJson.load(json, config);
            if (config.isPresent() && (config.get().addBosToken().isPresent() || config.get().addEosToken().isPresent())) {
                t = t.withSpecialTokens(config.get().addBosToken().orElse(t.addsBos()),
                        config.get().addEosToken().orElse(false));
            }
            return t.withEndOfGeneration(generationEosIds(folder));
        }
        Path model = folder.resolve(TOKENIZER_MODEL);
        if (Files.isRegularFile(model)) {
            SentencePieceModelFile sp = SentencePieceModelFile.read(model);
            // transformers' LlamaTokenizer adds BOS and not EOS unless told otherwise
            boolean addBos = config.flatMap(HfTokenizerConfig::addBosToken).orElse(true);
            boolean addEos = config.flatMap(HfTokenizerConfig::addEosToken).orElse(false);
            return new SentencePieceTokenizer(sp.toVocabulary(addBos, addEos));
        }
        throw new ModelFileException(folder, ModelFileException.NO_OFFSET, TOKENIZER_JSON,
                "the folder has neither " + TOKENIZER_JSON + " nor " + TOKENIZER_MODEL);
    }

    /** {@code generation_config.json}'s {@code eos_token_id}: absent, a number or a list of numbers. */
    static Set<Integer> generationEosIds(Path folder) throws IOException {
        Path file = folder.resolve(GENERATION_CONFIG);
        Set<Integer> ids = new HashSet<>();
        if (!Files.isRegularFile(file)) {
            return ids;
        }
        JsonPath root = new JsonPath(file, "", HfTokenizerJson.readJsonObject(file));
        JsonObject o = root.object();
        JsonElement e = o.get("eos_token_id");
        if (e == null || e.isJsonNull()) {
            return ids;
        }
        if (e.isJsonArray()) {
            for (JsonElement id : e.getAsJsonArray()) {
                ids.add(root.toInt("eos_token_id", id));
            }
        } else {
            ids.add(root.toInt("eos_token_id", e));
        }
        return ids;
    }
}
