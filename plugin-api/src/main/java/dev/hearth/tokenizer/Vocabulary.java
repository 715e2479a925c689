package dev.hearth.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Everything a tokenizer is built from, independent of the file it came from (GGUF metadata
 * {@code tokenizer.ggml.*}, a {@code tokenizer.json}, code in a test).
 *
 * <p>The arrays are not copied: hand over arrays nobody changes afterwards. Tokenizers copy what they keep,
 * so a tokenizer never sees later changes. {@code equals} and {@code hashCode} compare array contents.
 *
 * @param kind           {@link #KIND_LLAMA} (SentencePiece-style, llama.cpp "SPM") or {@link #KIND_GPT2}
 *                       (byte-level BPE); GGUF {@code tokenizer.ggml.model}
 * @param pre            pre-tokenizer name for BPE ({@code tokenizer.ggml.pre}, see {@link PreTokenizers});
 *                       null or empty means {@code default}; ignored by SentencePiece
 * @param tokens         token texts by id, as stored (SentencePiece: U+2581 for spaces, {@code <0xNN>} byte
 *                       tokens; BPE: the GPT-2 byte-to-unicode alphabet)
 * @param scores         merge priority per token for SentencePiece (higher merges first), or null (all 0)
 * @param tokenTypes     llama.cpp token types per token ({@link #TYPE_NORMAL} ... {@link #TYPE_BYTE}), or null
 *                       (all normal)
 * @param merges         BPE merge rules, {@code "left right"}, highest priority first; empty for SentencePiece
 * @param bos            beginning-of-sequence id, or -1
 * @param eos            end-of-sequence id, or -1
 * @param eot            end-of-turn id, or -1
 * @param eom            end-of-message id, or -1
 * @param unk            unknown-token id, or -1
 * @param pad            padding id, or -1
 * @param sep            separator id, or -1
 * @param addBos         encoding with special tokens puts BOS first
 * @param addEos         encoding with special tokens puts EOS last
 * @param addSpacePrefix SentencePiece puts a space before the text (and decoding removes it again)
 */
public record Vocabulary(
        String kind,
        String pre,
        String[] tokens,
        float[] scores,
        int[] tokenTypes,
        List<String> merges,
        int bos, int eos, int eot, int eom, int unk, int pad, int sep,
        boolean addBos, boolean addEos, boolean addSpacePrefix) {

    /** SentencePiece-style vocabulary (Llama 1/2, Mistral v1, Phi-3, TinyLlama). */
    public static final String KIND_LLAMA = "llama";
    /** Byte-level BPE vocabulary (GPT-2, Llama 3, Qwen 2, StarCoder, DeepSeek). */
    public static final String KIND_GPT2 = "gpt2";

    // llama.cpp's llama_token_type values, as stored in tokenizer.ggml.token_type
    public static final int TYPE_UNDEFINED = 0;
    public static final int TYPE_NORMAL = 1;
    public static final int TYPE_UNKNOWN = 2;
    public static final int TYPE_CONTROL = 3;
    public static final int TYPE_USER_DEFINED = 4;
    public static final int TYPE_UNUSED = 5;
    public static final int TYPE_BYTE = 6;

    /** Checks the invariants; every message names the offending field. */
    public Vocabulary {
        if (kind == null || kind.isBlank()) {
            throw new IllegalArgumentException("kind: must be given (e.g. 'llama' or 'gpt2')");
        }
        Objects.requireNonNull(tokens, "tokens");
        if (tokens.length == 0) {
            throw new IllegalArgumentException("tokens: the vocabulary is empty");
        }
        for (int i = 0; i < tokens.length; i++) {
            if (tokens[i] == null) {
                throw new IllegalArgumentException("tokens[" + i + "] is null");
            }
        }
        if (scores != null && scores.length != tokens.length) {
            throw new IllegalArgumentException("scores: " + scores.length + " entries for " + tokens.length + " tokens");
        }
        if (tokenTypes != null && tokenTypes.length != tokens.length) {
            throw new IllegalArgumentException(
                    "tokenTypes: " + tokenTypes.length + " entries for " + tokens.length + " tokens");
        }
        if (merges == null) {
            merges = List.of();
        } else {
            for (int i = 0; i < merges.size(); i++) {
                if (merges.get(i) == null) {
                    throw new IllegalArgumentException("merges[" + i + "] is null");
                }
            }
            merges = List.copyOf(merges);
        }
        checkId("bos", bos, tokens.length);
        checkId("eos", eos, tokens.length);
        checkId("eot", eot, tokens.length);
        checkId("eom", eom, tokens.length);
        checkId("unk", unk, tokens.length);
        checkId("pad", pad, tokens.length);
        checkId("sep", sep, tokens.length);
        if (addBos && bos < 0) {
            throw new IllegalArgumentException("addBos: true, but bos is -1");
        }
        if (addEos && eos < 0) {
            throw new IllegalArgumentException("addEos: true, but eos is -1");
        }
    }

    private static void checkId(String field, int id, int size) {
        if (id < -1 || id >= size) {
            throw new IllegalArgumentException(
                    field + ": " + id + " is outside the vocabulary (0.." + (size - 1) + ", or -1 for none)");
        }
    }

    /** Number of tokens. */
    public int size() {
        return tokens.length;
    }

    /** The llama.cpp token type of {@code id} ({@link #TYPE_NORMAL} when no types were given). */
    public int tokenType(int id) {
        return tokenTypes == null ? TYPE_NORMAL : tokenTypes[id];
    }

    /** The score of {@code id} (0 when no scores were given). */
    public float score(int id) {
        return scores == null ? 0f : scores[id];
    }

    /** A builder with no special tokens, no BOS/EOS added, and a space prefix for {@code llama} only. */
    public static Builder builder(String kind, String... tokens) {
        return new Builder(kind, tokens);
    }

    /** Same as {@link #builder(String, String...)} for a token list. */
    public static Builder builder(String kind, List<String> tokens) {
        return new Builder(kind, tokens.toArray(String[]::new));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Vocabulary v
                && kind.equals(v.kind) && Objects.equals(pre, v.pre)
                && Arrays.equals(tokens, v.tokens) && Arrays.equals(scores, v.scores)
                && Arrays.equals(tokenTypes, v.tokenTypes) && merges.equals(v.merges)
                && bos == v.bos && eos == v.eos && eot == v.eot && eom == v.eom
                && unk == v.unk && pad == v.pad && sep == v.sep
                && addBos == v.addBos && addEos == v.addEos && addSpacePrefix == v.addSpacePrefix;
    }

    @Override
    public int hashCode() {
        int h = Objects.hash(kind, pre, merges, bos, eos, eot, eom, unk, pad, sep, addBos, addEos, addSpacePrefix);
        h = 31 * h + Arrays.hashCode(tokens);
        h = 31 * h + Arrays.hashCode(scores);
        return 31 * h + Arrays.hashCode(tokenTypes);
    }

    /** A summary; the token list itself is too long to print. */
    @Override
    public String toString() {
        return "Vocabulary[kind=" + kind + ", pre=" + pre + ", tokens=" + tokens.length
                + ", merges=" + merges.size() + ", bos=" + bos + ", eos=" + eos + ", eot=" + eot + ", eom=" + eom
                + ", unk=" + unk + ", pad=" + pad + ", sep=" + sep + ", addBos=" + addBos + ", addEos=" + addEos
                + ", addSpacePrefix=" + addSpacePrefix + "]";
    }

    /** Builds a {@link Vocabulary} step by step; mostly for tests and converters. */
    public static final class Builder {
        private final String kind;
        private final String[] tokens;
        private String pre;
        private float[] scores;
        private int[] tokenTypes;
        private List<String> merges = new ArrayList<>();
        private int bos = -1, eos = -1, eot = -1, eom = -1, unk = -1, pad = -1, sep = -1;
        private boolean addBos, addEos, addSpacePrefix;

        private Builder(String kind, String[] tokens) {
            this.kind = kind;
            this.tokens = tokens;
            this.addSpacePrefix = KIND_LLAMA.equals(kind);
        }

        public Builder pre(String name) { this.pre = name; return this; }
        public Builder scores(float... s) { this.scores = s; return this; }
        public Builder tokenTypes(int... t) { this.tokenTypes = t; return this; }
        public Builder merges(List<String> m) { this.merges = m; return this; }
        public Builder merges(String... m) { this.merges = List.of(m); return this; }
        public Builder bos(int id) { this.bos = id; return this; }
        public Builder eos(int id) { this.eos = id; return this; }
        public Builder eot(int id) { this.eot = id; return this; }
        public Builder eom(int id) { this.eom = id; return this; }
        public Builder unk(int id) { this.unk = id; return this; }
        public Builder pad(int id) { this.pad = id; return this; }
        public Builder sep(int id) { this.sep = id; return this; }
        public Builder addBos(boolean b) { this.addBos = b; return this; }
        public Builder addEos(boolean b) { this.addEos = b; return this; }
        public Builder addSpacePrefix(boolean b) { this.addSpacePrefix = b; return this; }

        public Vocabulary build() {
            return new Vocabulary(kind, pre, tokens, scores, tokenTypes, merges,
                    bos, eos, eot, eom, unk, pad, sep, addBos, addEos, addSpacePrefix);
        }
    }
}
