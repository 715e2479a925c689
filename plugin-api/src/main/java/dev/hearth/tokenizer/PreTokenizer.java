package dev.hearth.tokenizer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Splits text into words before byte-level BPE, with a sequence of regular expressions applied one after the
 * other (llama.cpp's {@code unicode_regex_split}): the first expression splits the whole text; each next one
 * splits every piece the previous one left. A piece is split into the matches <em>and</em> the text between
 * them, so nothing is lost: joining the words gives the text back.
 *
 * @param name         the {@code tokenizer.ggml.pre} name it was found by
 * @param patterns     the expressions, in order
 * @param ignoreMerges a word that is itself a token is taken whole, without running the merges (Llama 3)
 */
public record PreTokenizer(String name, List<Pattern> patterns, boolean ignoreMerges) {

    public PreTokenizer {
        Objects.requireNonNull(name, "name");
        patterns = List.copyOf(patterns);
    }

    /** The words of {@code text}, in order; empty for empty text. */
    public List<String> split(String text) {
        List<String> pieces = new ArrayList<>();
        if (text.isEmpty()) {
            return pieces;
        }
        pieces.add(text);
        for (Pattern pattern : patterns) {
            List<String> next = new ArrayList<>(pieces.size() * 2);
            for (String piece : pieces) {
                splitOne(pattern.matcher(piece), piece, next);
            }
            pieces = next;
        }
        return pieces;
    }

    private static void splitOne(Matcher m, String piece, List<String> out) {
        int last = 0;
        while (m.find()) {
            if (m.start() > last) {
                out.add(piece.substring(last, m.start())); // text between matches stays a piece
            }
            if (m.end() > m.start()) {
                out.add(piece.substring(m.start(), m.end()));
            }
            last = m.end();
        }
        if (last < piece.length()) {
            out.add(last == 0 ? piece : piece.substring(last));
        }
    }
}
