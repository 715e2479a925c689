package dev.hearth.gguf.tokenizer;

import dev.hearth.api.model.ModelFileException;
import dev.hearth.gguf.format.GgufArray;
import dev.hearth.gguf.format.GgufException;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.format.GgufMetadata;
import dev.hearth.gguf.format.GgufNames;
import dev.hearth.gguf.format.GgufUnsupportedException;
import dev.hearth.gguf.format.GgufValueType;
import dev.hearth.tokenizer.PreTokenizers;
import dev.hearth.tokenizer.Vocabulary;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;

/**
 * Reads a {@link Vocabulary} from GGUF metadata the way llama.cpp's vocabulary loader does.
 *
 * <h2>Keys</h2>
 * <ul>
 *   <li>{@code tokenizer.ggml.model}: {@code llama} (SentencePiece) or {@code gpt2} (byte-level BPE); others
 *       ({@code bert}, {@code t5}, {@code rwkv} ...) are refused as unsupported.</li>
 *   <li>{@code tokenizer.ggml.pre}: BPE pre-tokenizer name (missing: {@code default}).</li>
 *   <li>{@code tokenizer.ggml.tokens} (required), {@code .scores} (FLOAT32, or INT32 as llama.cpp accepts),
 *       {@code .token_type} (integers), {@code .merges} (required for {@code gpt2}). Scores and types may be
 *       longer than the token list, never shorter.</li>
 *   <li>Special ids {@code .bos_token_id}, {@code .eos_token_id}, {@code .eot_token_id}, {@code .eom_token_id},
 *       {@code .unknown_token_id}, {@code .padding_token_id}, {@code .seperator_token_id} (llama.cpp's
 *       spelling). Defaults where missing, as llama.cpp: {@code llama} bos 1, eos 2, unk 0; {@code gpt2} bos
 *       and eos 11. A default outside the vocabulary becomes -1; an id in the file outside the vocabulary is
 *       ignored (the default stays), as llama.cpp does with a warning.</li>
 *   <li>{@code .add_bos_token}, {@code .add_eos_token}, {@code .add_space_prefix}. Defaults: {@code llama} adds
 *       BOS and a space prefix; {@code gpt2} adds BOS only for the Llama 3 family of pre-tokenizers.</li>
 * </ul>
 */
public final class GgufVocabularies {

    static final String BOS = "tokenizer.ggml.bos_token_id";
    static final String EOS = "tokenizer.ggml.eos_token_id";
    static final String EOT = "tokenizer.ggml.eot_token_id";
    static final String EOM = "tokenizer.ggml.eom_token_id";
    static final String UNK = "tokenizer.ggml.unknown_token_id";
    static final String PAD = "tokenizer.ggml.padding_token_id";
    static final String SEP = "tokenizer.ggml.seperator_token_id"; // llama.cpp's spelling
    static final String ADD_BOS = "tokenizer.ggml.add_bos_token";
    static final String ADD_EOS = "tokenizer.ggml.add_eos_token";
    static final String ADD_SPACE_PREFIX = "tokenizer.ggml.add_space_prefix";

    /** Pre-tokenizers for which llama.cpp adds BOS by default (Llama 3 and relatives). */
    private static final Set<String> PRE_WITH_BOS = Set.of(
            "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral", "midm-2.0", "lfm2", "tekken",
            "chameleon", "jina-v5-nano");

    private GgufVocabularies() {}

    /** The vocabulary of an open GGUF file. */
    public static Vocabulary fromFile(GgufFile file) throws ModelFileException {
        return fromMetadata(file.metadata(), file.path());
    }

    /** The vocabulary in {@code metadata}; errors name no file. */
    public static Vocabulary fromMetadata(GgufMetadata metadata) throws ModelFileException {
        return fromMetadata(metadata, null);
    }

    /**
     * The vocabulary in {@code metadata}.
     *
     * @param file named in error messages (may be null)
     * @throws GgufUnsupportedException for a tokenizer model other than {@code llama} and {@code gpt2}, or an
     *                                  unknown pre-tokenizer
     * @throws GgufException            for missing or inconsistent keys
     */
    public static Vocabulary fromMetadata(GgufMetadata metadata, Path file) throws ModelFileException {
        String model = metadata.getString(GgufNames.TOKENIZER_MODEL);
        boolean llama = model.equals(Vocabulary.KIND_LLAMA);
        if (!llama && !model.equals(Vocabulary.KIND_GPT2)) {
            throw new GgufUnsupportedException(file, metadata.offsetOf(GgufNames.TOKENIZER_MODEL),
                    key(GgufNames.TOKENIZER_MODEL), "tokenizer model '" + model + "' is not supported; supported: "
                    + Vocabulary.KIND_LLAMA + " (SentencePiece), " + Vocabulary.KIND_GPT2 + " (byte-level BPE)");
        }
        String pre = metadata.optionalString(GgufNames.TOKENIZER_PRE).orElse(null);
        if (!llama && !PreTokenizers.names().contains(pre == null || pre.isEmpty() ? "default" : pre)) {
            throw new GgufUnsupportedException(file, metadata.offsetOf(GgufNames.TOKENIZER_PRE),
                    key(GgufNames.TOKENIZER_PRE), "pre-tokenizer '" + pre + "' is not supported; supported: "
                    + String.join(", ", PreTokenizers.names()));
        }
        String[] tokens = metadata.getStringArray(GgufNames.TOKENS).toArray(String[]::new);
        int n = tokens.length;
        float[] scores = scores(metadata, file, n);
        int[] types = metadata.optionalIntArray(GgufNames.TOKEN_TYPE).orElse(null);
        if (types != null) {
            types = atLeast(types, n, GgufNames.TOKEN_TYPE, metadata, file);
        }
        List<String> merges = llama
                ? metadata.optionalStringArray(GgufNames.MERGES).orElse(List.of())
                : metadata.getStringArray(GgufNames.MERGES);

        int bos = specialId(metadata, BOS, llama ? 1 : 11, n);
        int eos = specialId(metadata, EOS, llama ? 2 : 11, n);
        int unk = specialId(metadata, UNK, llama ? 0 : -1, n);
        boolean addBos = flag(metadata, ADD_BOS, llama || PRE_WITH_BOS.contains(pre));
        boolean addEos = flag(metadata, ADD_EOS, false);
        boolean addSpacePrefix = flag(metadata, ADD_SPACE_PREFIX, llama);
        try {
            return new Vocabulary(model, pre, tokens, scores, types, merges,
                    bos, eos, specialId(metadata, EOT, -1, n), specialId(metadata, EOM, -1, n), unk,
                    specialId(metadata, PAD, -1, n), specialId(metadata, SEP, -1, n),
                    addBos, addEos, addSpacePrefix);
        } catch (IllegalArgumentException e) {
            throw new GgufException(file, ModelFileException.NO_OFFSET, "tokenizer", e.getMessage(), e);
        }
    }

    /** Scores as FLOAT32 (or FLOAT64), or INT32 converted, as llama.cpp accepts; null when absent. */
    private static float[] scores(GgufMetadata metadata, Path file, int n) throws GgufException {
        if (!metadata.contains(GgufNames.SCORES)) {
            return null;
        }
        GgufArray array = metadata.getArray(GgufNames.SCORES);
        float[] scores;
        if (array.elementType() == GgufValueType.FLOAT32 || array.elementType() == GgufValueType.FLOAT64) {
            scores = metadata.getFloatArray(GgufNames.SCORES);
        } else {
            int[] ints = metadata.getIntArray(GgufNames.SCORES);
            scores = new float[ints.length];
            for (int i = 0; i < ints.length; i++) {
                scores[i] = ints[i];
            }
        }
        if (scores.length < n) {
            throw new GgufException(file, metadata.offsetOf(GgufNames.SCORES), key(GgufNames.SCORES),
                    scores.length + " scores for " + n + " tokens");
        }
        return scores.length == n ? scores : Arrays.copyOf(scores, n);
    }

    private static int[] atLeast(int[] values, int n, String name, GgufMetadata metadata, Path file)
            throws GgufException {
        if (values.length < n) {
            throw new GgufException(file, metadata.offsetOf(name), key(name),
                    values.length + " entries for " + n + " tokens");
        }
        return values.length == n ? values : Arrays.copyOf(values, n);
    }

    /**
     * The id under {@code key} if present and in range; -1 when the file says "none" (-1, also written as uint32
     * 0xFFFFFFFF); else the default if in range, else -1.
     */
    private static int specialId(GgufMetadata metadata, String key, int fallback, int n) throws GgufException {
        int id = fallback >= 0 && fallback < n ? fallback : -1;
        OptionalLong stored = metadata.optionalLong(key);
        if (stored.isPresent()) {
            long v = stored.getAsLong();
            if (v == -1 || v == 0xFFFF_FFFFL) return -1;
            if (v >= 0 && v < n) id = (int) v;
        }
        return id;
    }

    private static boolean flag(GgufMetadata metadata, String key, boolean fallback) throws GgufException {
        return metadata.optionalBoolean(key).orElse(fallback);
    }

    private static String key(String name) {
        return "key '" + name + "'";
    }
}
