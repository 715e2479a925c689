package dev.hearth.tokenizer;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;

/**
 * Byte-level BPE as GPT-2 introduced it and llama.cpp runs it for {@code tokenizer.ggml.model = gpt2}
 * (GPT-2, Llama 3, Qwen 2, StarCoder, DeepSeek, Falcon, MPT ...).
 *
 * <h2>Encoding one fragment of text</h2>
 * <ol>
 *   <li>The {@link PreTokenizer} of the vocabulary's {@code pre} name splits the text into words; merges
 *       never cross a word boundary.</li>
 *   <li>Each word's UTF-8 bytes are written in GPT-2's byte alphabet ({@link ByteUnicode}: the space byte
 *       becomes {@code Ġ}), the alphabet the vocabulary and the merges are written in.</li>
 *   <li>With {@code ignoreMerges} (Llama 3) a word that is itself a token is taken as it is.</li>
 *   <li>Otherwise start with one symbol per character. For every pair of neighbours listed in the merges,
 *       queue a candidate with the rank of its merge rule (its line number: lower merges first). Take the
 *       lowest rank (on equal ranks the leftmost); if either side has changed since it was queued drop it,
 *       else join the two and queue the pairs the joined symbol forms with its neighbours. Repeat until no
 *       candidate is left.</li>
 *   <li>Each remaining symbol is looked up as a token. A symbol that is not one (a vocabulary whose merges
 *       produce strings it lacks) is written character by character, and a character missing too gives the
 *       unknown token when there is one.</li>
 * </ol>
 *
 * <h2>Decoding</h2>
 * Normal tokens are mapped back from the byte alphabet to bytes; see {@link BaseTokenizer} for the rest.
 *
 * <p>Immutable and thread-safe: every call works on its own arrays.
 */
public final class BpeTokenizer extends BaseTokenizer {

    private final PreTokenizer preTokenizer;
    /** Merge rule {@code "left right"} to rank; the first of duplicate rules wins. */
    private final Map<String, Integer> ranks;

    /**
     * @throws IllegalArgumentException when the vocabulary's pre-tokenizer is not supported (see
     *                                  {@link PreTokenizers#names()}) or its tokens are not unique
     */
    public BpeTokenizer(Vocabulary vocab) {
        super(vocab);
        this.preTokenizer = PreTokenizers.forName(vocab.pre());
        List<String> merges = vocab.merges();
        this.ranks = new HashMap<>(merges.size() + merges.size() / 2);
        for (int rank = 0; rank < merges.size(); rank++) {
            ranks.putIfAbsent(merges.get(rank), rank);
        }
    }

    /** The pre-tokenizer in use. */
    public PreTokenizer preTokenizer() {
        return preTokenizer;
    }

    /** A candidate merge of two neighbouring symbols; {@code size} is the joined length when it was queued. */
    private record Bigram(int left, int right, int rank, int size) {}

    @Override
    void encodeFragment(String text, boolean afterSpecial, IntList out) {
        for (String word : preTokenizer.split(text)) {
            String encoded = ByteUnicode.encode(word);
            if (encoded.length() == 1 || preTokenizer.ignoreMerges()) {
                int token = index.id(encoded);
                if (token >= 0) {
                    out.add(token);
                    continue;
                }
            }
            mergeWord(encoded, out);
        }
    }

    @Override
    byte[] normalBytes(int token) {
        return ByteUnicode.decode(index.texts[token]);
    }

    /** Runs the merges over one word (every character is one UTF-16 unit in the byte alphabet). */
    private void mergeWord(String word, IntList out) {
        int n = word.length();
        int[] length = new int[n];
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            length[i] = 1;
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        PriorityQueue<Bigram> queue = new PriorityQueue<>((a, b) ->
                a.rank != b.rank ? Integer.compare(a.rank, b.rank) : Integer.compare(a.left, b.left));
        for (int i = 1; i < n; i++) {
            addBigram(word, i - 1, i, length, queue);
        }
        while (!queue.isEmpty()) {
            Bigram bigram = queue.poll();
            int left = bigram.left, right = bigram.right;
            if (length[left] == 0 || length[right] == 0 || length[left] + length[right] != bigram.size) {
                continue; // outdated: one side has been merged into something else
            }
            length[left] += length[right];
            length[right] = 0;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                addBigram(word, prev[left], left, length, queue);
            }
            if (next[left] >= 0) {
                addBigram(word, left, next[left], length, queue);
            }
        }
        for (int i = 0; i != -1; i = next[i]) {
            emit(word.substring(i, i + length[i]), out);
        }
    }

    /** Symbols start at their index: symbol i covers {@code word[i, i + length[i])}. */
    private void addBigram(String word, int left, int right, int[] length, PriorityQueue<Bigram> queue) {
        String rule = word.substring(left, left + length[left]) + ' ' + word.substring(right, right + length[right]);
        Integer rank = ranks.get(rule);
        if (rank != null) {
            queue.add(new Bigram(left, right, rank, length[left] + length[right]));
        }
    }

    private void emit(String symbol, IntList out) {
        int token = index.id(symbol);
        if (token >= 0) {
            out.add(token);
            return;
        }
        for (int i = 0; i < symbol.length(); i++) {
            int single = index.id(String.valueOf(symbol.charAt(i)));
            if (single >= 0) {
                out.add(single);
            } else if (vocab.unk() >= 0) {
                out.add(vocab.unk());
            }
        }
    }
}
