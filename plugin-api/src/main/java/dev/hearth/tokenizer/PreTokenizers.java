package dev.hearth.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The pre-tokenizers of byte-level BPE models by their GGUF name ({@code tokenizer.ggml.pre}), with the
 * regular expressions llama.cpp uses for them (llama-vocab.cpp), written for {@link java.util.regex}.
 *
 * <p>All expressions are compiled with {@link Pattern#UNICODE_CHARACTER_CLASS}, so {@code \s} is Unicode
 * white space as in llama.cpp and Hugging Face, not just ASCII. Where llama.cpp rewrote an expression because
 * C++ {@code std::regex} cannot express it (upper/lower case letter classes), the original Hugging Face
 * expression is used, which Java can run. The GPT-2 expression ends in {@code |\s+} as in the original;
 * llama.cpp's list omits it but its hand-written matcher for that expression does the same.
 */
public final class PreTokenizers {

    /** GPT-2: contractions, optional space + letters / digits / other, trailing white space. */
    private static final String GPT2 =
            "'s|'t|'re|'ve|'m|'ll|'d| ?\\p{L}+| ?\\p{N}+| ?[^\\s\\p{L}\\p{N}]+|\\s+(?!\\S)|\\s+";

    /** Case-insensitive contractions, as llama.cpp spells them. */
    private static final String CONTRACTIONS = "(?:'[sS]|'[tT]|'[rR][eE]|'[vV][eE]|'[mM]|'[lL][lL]|'[dD])";

    /** Llama 3 (tiktoken cl100k style): digits in groups of up to three. */
    private static final String LLAMA3 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Qwen 2: as Llama 3 but one digit per word. */
    private static final String QWEN2 = CONTRACTIONS
            + "|[^\\r\\n\\p{L}\\p{N}]?\\p{L}+|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** GPT-4o / Llama 4 (o200k): words split at lower-to-upper case changes. */
    private static final String GPT4O =
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+" + CONTRACTIONS
            + "?|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*" + CONTRACTIONS
            + "?|\\p{N}{1,3}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** Mistral Tekken: as GPT-4o without contractions, one digit per word. */
    private static final String TEKKEN =
            "[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]*[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]+"
            + "|[^\\r\\n\\p{L}\\p{N}]?[\\p{Lu}\\p{Lt}\\p{Lm}\\p{Lo}\\p{M}]+[\\p{Ll}\\p{Lm}\\p{Lo}\\p{M}]*"
            + "|\\p{N}| ?[^\\s\\p{L}\\p{N}]+[\\r\\n/]*|\\s*[\\r\\n]+|\\s+(?!\\S)|\\s+";

    /** CJK unified ideographs, a wide range below them, and Hangul, as DeepSeek's tokenizers list them. */
    private static final String CJK = "[\\u4E00-\\u9FA5\\u0800-\\u4E00\\uAC00-\\uD7FF]+";

    /** DeepSeek LLM's letter class (the cased letters of many scripts), escaped so no editor can normalise it. */
    private static final String DEEPSEEK_LLM_LETTERS =
            "\\s?[A-Za-z\\u00B5\\u00C0-\\u00D6\\u00D8-\\u00F6\\u00F8-\\u01BA\\u01BC-\\u01BF"
            + "\\u01C4-\\u0293\\u0295-\\u02AF\\u0370-\\u0373\\u0376\\u0377\\u037B-\\u037D\\u037F\\u0386"
            + "\\u0388-\\u038A\\u038C\\u038E-\\u03A1\\u03A3-\\u03F5\\u03F7-\\u0481\\u048A-\\u052F"
            + "\\u0531-\\u0556\\u10A0-\\u10C5\\u13A0-\\u13F5\\u13F8-\\u13FD\\u1C90-\\u1CBA\\u1CBD-\\u1CBF"
            + "\\u1D00-\\u1D2B\\u1D6B-\\u1D77\\u1D79-\\u1D9A\\u1E00-\\u1F15\\u1F18-\\u1F1D\\u1F20-\\u1F45"
            + "\\u1F48-\\u1F4D\\u1F50-\\u1F57\\u1F59\\u1F5B\\u1F5D\\u1F5F-\\u1F7D\\u1F80-\\u1FB4"
            + "\\u1FB6-\\u1FBC\\u1FBE\\u1FC2-\\u1FC4\\u1FC6-\\u1FCC\\u1FD0-\\u1FD3\\u1FD6-\\u1FDB"
            + "\\u1FE0-\\u1FEC\\u1FF2-\\u1FF4\\u1FF6-\\u1FFC\\u2102\\u2107\\u210A-\\u2113\\u2115"
            + "\\u2119-\\u211D\\u2124\\u2126\\u2128\\u212A-\\u212D\\u212F-\\u2134\\u2139\\u213C-\\u213F"
            + "\\u2145-\\u2149\\u214E\\u2183\\u2184\\u2C00-\\u2C7B\\u2C7E-\\u2CE4\\u2CEB-\\u2CEE\\u2CF2"
            + "\\u2CF3\\uA640-\\uA66D\\uA680-\\uA69B\\uA722-\\uA76F\\uA771-\\uA787\\uA78B-\\uA78E"
            + "\\uAB70-\\uABBF\\uFB00-\\uFB06\\uFB13-\\uFB17\\uFF21-\\uFF3A\\uFF41-\\uFF5A"
            + "\\x{10400}-\\x{1044F}\\x{104B0}-\\x{104D3}\\x{104D8}-\\x{104FB}\\x{10C80}-\\x{10CB2}"
            + "\\x{10CC0}-\\x{10CF2}\\x{118A0}-\\x{118DF}\\x{1E900}-\\x{1E943}]+";

    /** BLOOM and relatives: optional space and everything up to white space or punctuation. */
    private static final String BLOOM = " ?[^(\\s|.,!?…。，、।۔،)]+";

    private static final Map<String, PreTokenizer> BY_NAME = new HashMap<>();

    static {
        define(false, List.of("[\\p{P}\\$\\+<=>\\^~\\|]+", GPT2, "\\p{N}+", "[0-9][0-9][0-9]"), "default");
        define(false, List.of(GPT2), "gpt2", "gpt-2", "phi-2", "mpt", "olmo", "jais", "trillion",
                "granite-docling", "exaone4", "jina-es", "jina-de", "jina-v2-es", "jina-v2-de", "jina-v1-en",
                "jina-v2-code", "roberta-bpe", "gigachat", "a.x-4.0", "mellum", "modern-bert");
        define(true, List.of(LLAMA3), "llama3", "llama-v3", "llama-bpe", "falcon3", "falcon-h1", "pixtral",
                "midm-2.0", "lfm2");
        define(false, List.of(LLAMA3), "dbrx", "smaug-bpe", "glm4", "chatglm-bpe");
        define(false, List.of(QWEN2), "qwen2", "deepseek-r1-qwen", "stablelm2", "megrez", "hunyuan");
        define(false, List.of("\\p{N}", GPT2), "starcoder", "refact", "command-r", "smollm", "codeshell",
                "exaone", "minerva-7b");
        define(false, List.of("[\r\n]", "\\s?\\p{L}+", "\\s?\\p{P}+", CJK, "\\p{N}"), "deepseek-coder");
        define(false, List.of("[\r\n]", DEEPSEEK_LLM_LETTERS,
                "\\s?[!-/:-~\\uFF01-\\uFF0F\\uFF1A-\\uFF5E\\u2018-\\u201F\\u3000-\\u3002]+", "\\s+\\z", CJK,
                "\\p{N}+"), "deepseek-llm");
        define(false, List.of("[\\p{P}\\$\\+<=>\\^~\\|`]+", GPT2, "[0-9][0-9][0-9]"), "falcon");
        define(false, List.of(BLOOM), "bloom", "poro-chat", "gpt3-finnish");
        define(false, List.of(BLOOM, "\\p{N}"), "viking");
        define(false, List.of(GPT4O), "gpt-4o", "llama4");
        define(true, List.of(TEKKEN), "tekken");
    }

    private PreTokenizers() {}

    private static void define(boolean ignoreMerges, List<String> regexes, String... names) {
        List<Pattern> patterns = regexes.stream()
                .map(r -> Pattern.compile(r, Pattern.UNICODE_CHARACTER_CLASS))
                .toList();
        for (String name : names) {
            if (BY_NAME.put(name, new PreTokenizer(name, patterns, ignoreMerges)) != null) {
                throw new AssertionError("pre-tokenizer '" + name + "' defined twice");
            }
        }
    }

    /**
     * The pre-tokenizer of a {@code tokenizer.ggml.pre} name; null or empty gives {@code default}, as in
     * llama.cpp.
     *
     * @throws IllegalArgumentException for a name not known here, listing the known ones
     */
    public static PreTokenizer forName(String name) {
        String key = name == null || name.isEmpty() ? "default" : name;
        PreTokenizer pre = BY_NAME.get(key);
        if (pre == null) {
            throw new IllegalArgumentException("pre: unsupported pre-tokenizer '" + name + "'; supported: "
                    + String.join(", ", names()));
        }
        return pre;
    }

    /** All supported names, sorted. */
    public static Set<String> names() {
        return new TreeSet<>(BY_NAME.keySet());
    }
}
