package dev.hearth.tokenizer.hf;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

import dev.hearth.api.model.ModelFileException;

/**
 * The {@code added_tokens} of {@code tokenizer.json}: tokens matched in the text before the model runs. As in the
 * tokenizers library, tokens with {@code normalized: false} are found in the raw text, the others in the
 * normalised text; the longest match wins at the leftmost position.
 */
final class HfAddedTokens {

    /** One added token (tokenizers' AddedToken). */
    record Token(int id, String content, boolean special, boolean normalized, boolean lstrip, boolean rstrip,
            boolean singleWord) {}

    /** A piece of text: either an added token ({@code id >= 0}) or text for the model. */
    record Piece(String text, int id, boolean atStart) {}

    private final List<Token> tokens;

    HfAddedTokens(List<Token> tokens) {
        // longest first, so that the first token found at a position is the longest
        this.tokens = tokens.stream().sorted(Comparator.comparingInt((Token t) -> t.content().length()).reversed())
                .toList();
    }

    List<Token> tokens() { return tokens; }

    static HfAddedTokens parse(JsonPath root) throws ModelFileException {
        List<Token> out = new ArrayList<>();
        if (root.has("added_tokens")) {
            for (JsonPath t : root.objects("added_tokens")) {
                int id = t.integer("id", -1);
                if (id < 0) {
                    throw t.error("id", "missing or negative id");
                }
                String content = t.string("content");
                if (content.isEmpty()) {
                    throw t.error("content", "empty token");
                }
                out.add(new Token(id, content, t.bool("special", false), t.bool("normalized", !t.bool("special", false)),
                        t.bool("lstrip", false), t.bool("rstrip", false), t.bool("single_word", false)));
            }
        }
        return new HfAddedTokens(out);
    }

    /**
     * Splits text pieces around added tokens whose {@code normalized} flag equals {@code normalized}.
     *
     * @param withSpecial whether special tokens are recognised (false: they are plain text)
     */
    List<Piece> split(List<Piece> pieces, boolean normalized, boolean withSpecial) {
        List<Piece> out = new ArrayList<>();
        for (Piece p : pieces) {
            if (p.id() >= 0) {
                out.add(p);
            } else {
                splitOne(p, normalized, withSpecial, out);
            }
        }
        return out;
    }

    private void splitOne(Piece piece, boolean normalized, boolean withSpecial, List<Piece> out) {
        String s = piece.text();
        int textStart = 0;
        int from = 0;
        while (from < s.length()) {
            // leftmost, then longest match
            int bestAt = -1;
            Token best = null;
            for (Token t : tokens) {
                if (t.normalized() != normalized || (t.special() && !withSpecial)) {
                    continue;
                }
                int at = s.indexOf(t.content(), from);
                while (at >= 0 && t.singleWord() && !isWordBoundary(s, at, at + t.content().length())) {
                    at = s.indexOf(t.content(), at + 1);
                }
                if (at >= 0 && (bestAt < 0 || at < bestAt)) {
                    bestAt = at;
                    best = t;
                }
            }
            if (best == null) {
                break;
            }
            int begin = bestAt;
            int end = bestAt + best.content().length();
            if (best.lstrip()) {
                while (begin > textStart && Character.isWhitespace(s.charAt(begin - 1))) {
                    begin--;
                }
            }
            if (best.rstrip()) {
                while (end < s.length() && Character.isWhitespace(s.charAt(end))) {
                    end++;
                }
            }
            if (begin > textStart) {
                out.add(new Piece(s.substring(textStart, begin), -1, piece.atStart() && textStart == 0));
            }
            out.add(new Piece(best.content(), best.id(), false));
            textStart = end;
            from = end;
        }
        if (textStart < s.length()) {
            out.add(new Piece(s.substring(textStart), -1, piece.atStart() && textStart == 0));
        }
    }

    private static boolean isWordBoundary(String s, int begin, int end) {
        boolean leftOk = begin == 0 || !Character.isLetterOrDigit(s.codePointBefore(begin));
        boolean rightOk = end == s.length() || !Character.isLetterOrDigit(s.codePointAt(end));
        return leftOk && rightOk;
    }
}
