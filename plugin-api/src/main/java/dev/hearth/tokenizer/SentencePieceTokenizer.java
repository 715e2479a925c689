package dev.hearth.tokenizer;

import java.util.PriorityQueue;

/**
 * SentencePiece-style tokenizer as llama.cpp runs it for {@code tokenizer.ggml.model = llama} (its "SPM"
 * tokenizer; Llama 1/2, Mistral v1, Phi-3, TinyLlama).
 *
 * <h2>Encoding one fragment of text</h2>
 * <ol>
 *   <li>If the vocabulary adds a space prefix and the fragment starts the text or follows a special token,
 *       put a space in front. Replace every space by U+2581 ("▁"), the way SentencePiece stores spaces.</li>
 *   <li>Start with one symbol per Unicode character, linked left to right.</li>
 *   <li>For every pair of neighbouring symbols whose joined text is a token, queue a candidate merge with that
 *       token's score. Take the candidate with the highest score (on equal scores the leftmost); if either
 *       side has changed since it was queued, drop it; otherwise join the two symbols and queue the new pairs
 *       the joined symbol forms with its neighbours. Repeat until no candidate is left.</li>
 *   <li>Each remaining symbol is a token if its text is one. Otherwise it is written as its UTF-8 bytes with
 *       the byte tokens {@code <0xNN>} ("byte fallback"); a vocabulary without byte tokens gives the unknown
 *       token for the symbol instead.</li>
 * </ol>
 * The queue holds each candidate once and symbols are joined in place, so a fragment of n characters costs
 * O(n log n) map lookups and queue operations.
 *
 * <h2>Decoding</h2>
 * Normal tokens give their text with U+2581 turned back into spaces; see {@link BaseTokenizer} for the rest.
 *
 * <p>Immutable and thread-safe: every call works on its own arrays.
 */
public final class SentencePieceTokenizer extends BaseTokenizer {

    private static final char SPACE_MARK = '\u2581'; // "▁"

    private final float[] scores;

    public SentencePieceTokenizer(Vocabulary vocab) {
        super(vocab);
        this.scores = vocab.scores() == null ? new float[vocab.size()] : vocab.scores().clone();
    }

    /** A candidate merge of two neighbouring symbols; {@code size} is the joined length when it was queued. */
    private record Bigram(int left, int right, float score, int size) {}

    @Override
    void encodeFragment(String fragment, boolean afterSpecial, IntList out) {
        String text = (vocab.addSpacePrefix() && afterSpecial ? " " + fragment : fragment).replace(' ', SPACE_MARK);
        new Session(text).run(out);
    }

    @Override
    byte[] normalBytes(int token) {
        return utf8(index.texts[token].replace(SPACE_MARK, ' '));
    }

    /** The state of encoding one fragment: symbols as (start, length) in {@code text}, doubly linked. */
    private final class Session {
        private final String text;
        private final int[] start;
        private final int[] length;
        private final int[] prev;
        private final int[] next;
        private final PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) ->
                a.score != b.score ? Float.compare(b.score, a.score) : Integer.compare(a.left, b.left));

        Session(String text) {
            this.text = text;
            int n = text.codePointCount(0, text.length());
            start = new int[n];
            length = new int[n];
            prev = new int[n];
            next = new int[n];
            for (int i = 0, offset = 0; i < n; i++) {
                int chars = Character.charCount(text.codePointAt(offset));
                start[i] = offset;
                length[i] = chars;
                prev[i] = i - 1;
                next[i] = i + 1 < n ? i + 1 : -1;
                offset += chars;
            }
        }

        void run(IntList out) {
            int n = start.length;
            for (int i = 1; i < n; i++) {
                tryAddBigram(i - 1, i);
            }
            while (!queue.isEmpty()) {
                Bigram bigram = queue.poll();
                int left = bigram.left, right = bigram.right;
                if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != bigram.size) {
                    continue; // one side was merged into something else meanwhile
                }
                length[left] += length[right];
                length[right] = 0;
                next[left] = next[right];
                if (next[right] >= 0) {
                    prev[next[right]] = left;
                }
                tryAddBigram(prev[left], left);
                tryAddBigram(left, next[left]);
            }
            for (int i = n == 0 ? -1 : 0; i != -1; i = next[i]) {
                emit(text.substring(start[i], start[i] + length[i]), out);
            }
        }

        private void tryAddBigram(int left, int right) {
            if (left < 0 || right < 0) {
                return;
            }
            int end = start[right] + length[right];
            int token = index.id(text.substring(start[left], end));
            if (token >= 0) {
                queue.add(new Bigram(left, right, scores[token], end - start[left]));
            }
        }

        private void emit(String symbol, IntList out) {
            int token = index.id(symbol);
            if (token >= 0) {
                out.add(token);
                return;
            }
            byte[] bytes = utf8(symbol);
            int[] fallback = new int[bytes.length];
            for (int j = 0; j < bytes.length; j++) {
                int b = bytes[j] & 0xFF;
                fallback[j] = index.byteTokens[b] >= 0 || b >= 0x80
                        ? index.byteTokens[b]
                        : index.id(String.valueOf((char) b)); // a vocabulary with plain ASCII instead of <0xNN>
                if (fallback[j] < 0) {
                    if (vocab.unk() >= 0) {
                        out.add(vocab.unk());
                    }
                    return;
                }
            }
            for (int token1 : fallback) {
                out.add(token1);
            }
        }
    }
}
