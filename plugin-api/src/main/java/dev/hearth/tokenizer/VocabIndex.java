package dev.hearth.tokenizer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The lookup structures both tokenizers share, built once from a {@link Vocabulary}: text to id, the
 * attribute bits of every token, the special tokens to look for in raw text, the end-of-generation set.
 *
 * <h2>Attributes</h2>
 * A token's llama.cpp type becomes one attribute bit (llama.cpp's {@code llama_token_attr}). As llama.cpp
 * does, tokens whose text marks them as end-of-turn or fill-in-the-middle markers ({@code <|im_end|>},
 * {@code <|eot_id|>}, {@code <fim_prefix>} ...) get the {@link #CONTROL} bit even where the file forgot it.
 *
 * <h2>Special-token partition</h2>
 * Before the text is tokenized, special tokens written in it are cut out (llama.cpp's
 * {@code tokenizer_st_partition}): taking control, user-defined and unknown tokens from longest to shortest
 * text, every occurrence in every still-raw fragment becomes a token fragment and the text around it stays raw.
 * Without {@code parseSpecial}, control and unknown tokens are left in the text, but user-defined tokens are
 * still cut out (as Hugging Face tokenizers do with added tokens).
 */
final class VocabIndex {

    // llama.cpp's llama_token_attr bits
    static final int UNDEFINED = 0;
    static final int UNKNOWN = 1;
    static final int UNUSED = 1 << 1;
    static final int NORMAL = 1 << 2;
    static final int CONTROL = 1 << 3;
    static final int USER_DEFINED = 1 << 4;
    static final int BYTE = 1 << 5;

    /** Texts that end generation (llama.cpp's EOG list, less the model-specific workarounds). */
    private static final Set<String> EOG_TEXTS = Set.of(
            "<|eot_id|>", "<|im_end|>", "<|end|>", "<end_of_turn>", "<|endoftext|>", "<|eom_id|>",
            "<|end_of_text|>", "<EOT>", "_<EOT>", "<end_of_utterance>", "<eos>", "</s>",
            // fill-in-the-middle padding, repository and file separators also stop generation
            "<|fim_pad|>", "<fim-pad>", "<fim_pad>", "<PAD>",
            "<|fim_repo|>", "<|repo_name|>", "<fim-repo>", "<REPO>", "<reponame>", "<|file_sep|>");

    /** Texts that are control tokens whatever the file says (end-of-turn and fill-in-the-middle markers). */
    private static final Set<String> CONTROL_TEXTS = Set.of(
            "<｜end▁of▁sentence｜>",
            "<|fim_prefix|>", "<fim-prefix>", "<fim_prefix>", "<｜fim▁begin｜>", "<PRE>", "▁<PRE>",
            "<|fim_suffix|>", "<fim-suffix>", "<fim_suffix>", "<｜fim▁hole｜>", "<SUF>", "▁<SUF>",
            "<|fim_middle|>", "<fim-middle>", "<fim_middle>", "<｜fim▁end｜>", "<MID>", "▁<MID>");

    /** A fragment of text being tokenized: raw text ({@code token == -1}) or an already-known token. */
    record Piece(String text, int token) {
        boolean isToken() {
            return token >= 0;
        }
    }

    final Vocabulary vocab;
    /** Token texts; an empty text is stored as {@code [EMPTY_id]} so that it can never match. */
    final String[] texts;
    final int[] attrs;
    /** {@code <0xNN>} token of every byte value, or -1. */
    final int[] byteTokens = new int[256];
    private final Map<String, Integer> ids;
    /** Control, user-defined and unknown tokens, longest text first. */
    private final int[] specials;
    private final BitSet endOfGeneration = new BitSet();

    VocabIndex(Vocabulary vocab) {
        this.vocab = vocab;
        int n = vocab.size();
        texts = vocab.tokens().clone();
        attrs = new int[n];
        ids = new HashMap<>(n + n / 2);
        for (int i = 0; i < n; i++) {
            if (texts[i].isEmpty()) {
                texts[i] = "[EMPTY_" + i + "]"; // as llama.cpp does
            }
            Integer previous = ids.putIfAbsent(texts[i], i);
            if (previous != null) {
                throw new IllegalArgumentException(
                        "tokens: duplicate token '" + texts[i] + "' at ids " + previous + " and " + i);
            }
            attrs[i] = attrOf(vocab.tokenType(i));
            if (attrs[i] == BYTE && !texts[i].matches("<0x[0-9A-Fa-f]{2}>")) {
                throw new IllegalArgumentException(
                        "tokens[" + i + "]: byte token '" + texts[i] + "' is not of the form <0xNN>");
            }
        }
        Arrays.fill(byteTokens, -1);
        for (int b = 0; b < 256; b++) {
            byteTokens[b] = id(String.format("<0x%02X>", b));
        }
        markByText();
        for (int special : new int[] {vocab.eos(), vocab.eot(), vocab.eom()}) {
            if (special >= 0) {
                endOfGeneration.set(special);
            }
        }
        specials = specialsLongestFirst();
    }

    private static int attrOf(int tokenType) {
        return switch (tokenType) {
            case Vocabulary.TYPE_NORMAL -> NORMAL;
            case Vocabulary.TYPE_UNKNOWN -> UNKNOWN;
            case Vocabulary.TYPE_CONTROL -> CONTROL;
            case Vocabulary.TYPE_USER_DEFINED -> USER_DEFINED;
            case Vocabulary.TYPE_UNUSED -> UNUSED;
            case Vocabulary.TYPE_BYTE -> BYTE;
            default -> UNDEFINED;
        };
    }

    /** End-of-generation and control-looking tokens found by their text, as llama.cpp's loader does. */
    private void markByText() {
        boolean gemma4 = id("<|tool_response>") >= 0; // there "</s>" is ordinary text (llama.cpp's workaround)
        for (String text : EOG_TEXTS) {
            int id = id(text);
            if (gemma4 && text.equals("</s>")) {
                continue;
            }
            if (id >= 0) {
                endOfGeneration.set(id);
                attrs[id] |= CONTROL;
            }
        }
        for (String text : CONTROL_TEXTS) {
            int id = id(text);
            if (id >= 0) {
                attrs[id] |= CONTROL;
            }
        }
    }

    private int[] specialsLongestFirst() {
        List<Integer> list = new ArrayList<>();
        for (int i = 0; i < attrs.length; i++) {
            if ((attrs[i] & (CONTROL | USER_DEFINED | UNKNOWN)) != 0) {
                list.add(i);
            }
        }
        // longest first; equal lengths by id, so that the order does not depend on hashing
        list.sort(Comparator.<Integer>comparingInt(i -> -texts[i].length()).thenComparingInt(i -> i));
        return list.stream().mapToInt(Integer::intValue).toArray();
    }

    int size() {
        return texts.length;
    }

    /** The id of a token text, or -1. */
    int id(String text) {
        Integer id = ids.get(text);
        return id == null ? -1 : id;
    }

    boolean isEndOfGeneration(int token) {
        return token >= 0 && endOfGeneration.get(token);
    }

    /** Checks that {@code token} is a valid id. */
    void check(int token) {
        if (token < 0 || token >= texts.length) {
            throw new IllegalArgumentException(
                    "token " + token + " is outside the vocabulary (0.." + (texts.length - 1) + ")");
        }
    }

    /** Splits {@code text} into raw fragments and special tokens written in it (see the class comment). */
    List<Piece> partition(String text, boolean parseSpecial) {
        List<Piece> fragments = new ArrayList<>();
        fragments.add(new Piece(text, -1));
        for (int id : specials) {
            if (!parseSpecial && (attrs[id] & (CONTROL | UNKNOWN)) != 0) {
                continue;
            }
            String special = texts[id];
            if (!text.contains(special)) {
                continue; // cannot occur in any fragment either
            }
            fragments = cutOut(fragments, special, id);
        }
        return fragments;
    }

    private static List<Piece> cutOut(List<Piece> fragments, String special, int id) {
        List<Piece> out = new ArrayList<>(fragments.size() + 2);
        for (Piece piece : fragments) {
            if (piece.isToken()) {
                out.add(piece);
                continue;
            }
            String s = piece.text();
            int from = 0;
            for (int at = s.indexOf(special); at >= 0; at = s.indexOf(special, from)) {
                if (at > from) {
                    out.add(new Piece(s.substring(from, at), -1));
                }
                out.add(new Piece(special, id));
                from = at + special.length();
            }
            if (from == 0) {
                out.add(piece);
            } else if (from < s.length()) {
                out.add(new Piece(s.substring(from), -1));
            }
        }
        return out;
    }
}
