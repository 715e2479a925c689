package dev.hearth.gguf.convert;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.tokenizer.Vocabulary;
import dev.hearth.tokenizer.hf.HfTokenizerConfig;
import dev.hearth.tokenizer.hf.SentencePieceModelFile;

/**
 * The tokenizer of a Hugging Face folder as a GGUF {@link Vocabulary}.
 *
 * <ul>
 *   <li>{@code tokenizer.model} (SentencePiece BPE, Llama 2, Mistral): kind {@code llama}; pieces, scores and piece
 *       types as they are (the same as llama.cpp's converter writes).</li>
 *   <li>{@code tokenizer.json} with a BPE model over {@code ▁}-marked text (a SentencePiece-style BPE exported by
 *       the tokenizers library, as TinyStories-656K): kind {@code llama} too, since GGUF's SentencePiece tokenizer
 *       is what reproduces HF's splitting of such text (space prefix, ▁ for spaces, byte fallback). That tokenizer
 *       merges by token score, while HF merges by merge rank; so each token made by a merge gets the score
 *       {@code -rank} of the first merge that makes it, and the others a score below every merge (-1e6):
 *       the highest-priority merge is then the highest-scoring candidate. llama.cpp's own converter writes -1000
 *       for every token of such a folder and its GGUF cannot encode like HF; ours does for the shared folder's
 *       prompts (see the conversion tests). Special tokens get type CONTROL, the unknown token UNKNOWN, {@code
 *       <0xNN>} tokens BYTE.</li>
 *   <li>{@code tokenizer.json} with a byte-level BPE model (GPT-2, Llama 3): kind {@code gpt2} with the merges
 *       and pre-tokenizer {@code default} (the folder's pre-tokenizer regex is not mapped to llama.cpp's names).</li>
 * </ul>
 * Special ids come from {@code tokenizer_config.json} (bos_token, eos_token, unk_token, pad_token by text), else
 * from {@code config.json}; add_bos_token and add_eos_token from {@code tokenizer_config.json} (defaults: BOS yes,
 * EOS no, as transformers' LlamaTokenizer).
 */
public final class HfTokenizerReader {

    public static final String TOKENIZER_JSON = "tokenizer.json";
    public static final String TOKENIZER_MODEL = "tokenizer.model";
    public static final String TOKENIZER_CONFIG = "tokenizer_config.json";

    private static final Pattern BYTE_TOKEN = Pattern.compile("<0x[0-9A-Fa-f]{2}>");

    /** The vocabulary and chat template read. */
    public record Result(Vocabulary vocabulary, Optional<String> chatTemplate, Path source) {}

    private HfTokenizerReader() {}

    /** Reads the folder's tokenizer ({@code tokenizer.model} first, else {@code tokenizer.json}). */
    public static Result read(Path folder, HfLlamaConfig config) throws IOException {
        Path cfgFile = folder.resolve(TOKENIZER_CONFIG);
        Optional<HfTokenizerConfig> tc = Files.isRegularFile(cfgFile)
                ? Optional.of(HfTokenizerConfig.read(cfgFile)) : Optional.empty();
        boolean addBos = tc.flatMap(HfTokenizerConfig::addBosToken).orElse(true);
        boolean addEos = tc.flatMap(HfTokenizerConfig::addEosToken).orElse(false);
        Optional<String> template = tc.flatMap(HfTokenizerConfig::chatTemplate);
        Path model = folder.resolve(TOKENIZER_MODEL);
        Path json = folder.resolve(TOKENIZER_JSON);
        Vocabulary v;
        Path source;
        if (Files.isRegularFile(model)) {
            source = model;
            v = SentencePieceModelFile.read(model).toVocabulary(addBos, addEos);
        } else if (Files.isRegularFile(json)) {
            source = json;
            v = fromJson(json);
        } else {
            throw new ConversionException(folder, TOKENIZER_MODEL, "missing: the folder has neither "
                    + TOKENIZER_MODEL + " nor " + TOKENIZER_JSON);
        }
        v = withSpecials(v, tc, config, addBos, addEos, source);
        return new Result(v, template, source);
    }

    private static Vocabulary withSpecials(Vocabulary v, Optional<HfTokenizerConfig> tc, HfLlamaConfig config,
                                           boolean addBos, boolean addEos, Path source) throws ConversionException {
        Map<String, Integer> ids = new HashMap<>();
        for (int i = v.size() - 1; i >= 0; i--) ids.put(v.tokens()[i], i);
        int bos = special(tc.flatMap(HfTokenizerConfig::bosToken), ids, config.bosTokenId(), v.bos(), v.size());
        int eos = special(tc.flatMap(HfTokenizerConfig::eosToken), ids, config.eosTokenId(), v.eos(), v.size());
        int unk = special(tc.flatMap(HfTokenizerConfig::unkToken), ids, -1, v.unk(), v.size());
        int pad = special(tc.flatMap(HfTokenizerConfig::padToken), ids, -1, v.pad(), v.size());
        if (addBos && bos < 0) {
            throw new ConversionException(source, "bos_token", "add_bos_token is true but no BOS token is known");
        }
        return new Vocabulary(v.kind(), v.pre(), v.tokens(), v.scores(), v.tokenTypes(), v.merges(), bos, eos,
                v.eot(), v.eom(), unk, pad, v.sep(), addBos, addEos && eos >= 0, v.addSpacePrefix());
    }

    private static int special(Optional<String> text, Map<String, Integer> ids, int configId, int fallback, int n) {
        if (text.isPresent() && ids.containsKey(text.get())) return ids.get(text.get());
        if (configId >= 0 && configId < n) return configId;
        return fallback >= 0 && fallback < n ? fallback : -1;
    }

    /** A {@code tokenizer.json} BPE model as a vocabulary (see the class comment). */
    static Vocabulary fromJson(Path file) throws IOException {
        JsonObject root;
        try {
            root = JsonParser.parseString(Files.readString(file)).getAsJsonObject();
        } catch (RuntimeException e) {
            throw new ConversionException(file, "", "not a JSON object: " + e.getMessage(), e);
        }
        JsonObject model = root.getAsJsonObject("model");
        if (model == null || !model.has("type") || !"BPE".equals(model.get("type").getAsString())) {
            throw new ConversionException(file, "model.type", "only BPE tokenizers are converted, found "
                    + (model == null ? "none" : model.get("type")));
        }
        JsonObject vocab = model.getAsJsonObject("vocab");
        if (vocab == null) throw new ConversionException(file, "model.vocab", "missing");
        Map<Integer, String> byId = new HashMap<>();
        vocab.entrySet().forEach(e -> byId.put(e.getValue().getAsInt(), e.getKey()));
        Set<String> special = new HashSet<>();
        if (root.has("added_tokens") && root.get("added_tokens").isJsonArray()) {
            for (JsonElement a : root.getAsJsonArray("added_tokens")) {
                JsonObject t = a.getAsJsonObject();
                byId.put(t.get("id").getAsInt(), t.get("content").getAsString());
                if (t.has("special") && t.get("special").getAsBoolean()) special.add(t.get("content").getAsString());
            }
        }
        int n = byId.keySet().stream().mapToInt(Integer::intValue).max().orElse(-1) + 1;
        String[] tokens = new String[n];
        for (int i = 0; i < n; i++) {
            tokens[i] = byId.get(i);
            if (tokens[i] == null) {
                throw new ConversionException(file, "model.vocab", "no token has id " + i + " (ids must be 0.." + (n - 1) + ")");
            }
        }
        List<String> merges = new ArrayList<>();
        if (model.has("merges")) {
            for (JsonElement m : model.getAsJsonArray("merges")) {
                merges.add(m.isJsonArray() ? m.getAsJsonArray().get(0).getAsString() + " "
                        + m.getAsJsonArray().get(1).getAsString() : m.getAsString());
            }
        }
        String unkText = model.has("unk_token") && !model.get("unk_token").isJsonNull()
                ? model.get("unk_token").getAsString() : null;
        // byte-level when the pre-tokenizer or decoder is ByteLevel (GPT-2 alphabet); else SentencePiece-style (▁)
        boolean spmStyle = !(String.valueOf(root.get("pre_tokenizer")) + root.get("decoder")).contains("\"ByteLevel\"");
        int[] types = new int[n];
        for (int i = 0; i < n; i++) {
            types[i] = tokens[i].equals(unkText) ? Vocabulary.TYPE_UNKNOWN
                    : special.contains(tokens[i]) ? Vocabulary.TYPE_CONTROL
                    : spmStyle && BYTE_TOKEN.matcher(tokens[i]).matches() ? Vocabulary.TYPE_BYTE
                    : Vocabulary.TYPE_NORMAL;
        }
        int unk = unkText == null ? -1 : Arrays.asList(tokens).indexOf(unkText);
        if (!spmStyle) {
            return Vocabulary.builder(Vocabulary.KIND_GPT2, tokens).pre("default").tokenTypes(types)
                    .merges(merges).unk(unk).build();
        }
        Map<String, Integer> ids = new HashMap<>();
        for (int i = 0; i < n; i++) ids.putIfAbsent(tokens[i], i);
        float[] scores = new float[n];
        Arrays.fill(scores, -1e6f);
        for (int r = merges.size() - 1; r >= 0; r--) {
            String m = merges.get(r);
            int sp = m.indexOf(' ');
            Integer id = sp < 0 ? null : ids.get(m.substring(0, sp) + m.substring(sp + 1));
            if (id != null) scores[id] = -r;
        }
        return Vocabulary.builder(Vocabulary.KIND_LLAMA, tokens).scores(scores).tokenTypes(types).unk(unk).build();
    }
}
