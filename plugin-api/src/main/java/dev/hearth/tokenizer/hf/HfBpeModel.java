package dev.hearth.tokenizer.hf;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.PriorityQueue;

import com.google.gson.JsonArray;
import com.google.gson.JsonElement;
import com.google.gson.JsonPrimitive;

import dev.hearth.api.model.ModelFileException;

/**
 * The {@code model} stage of {@code tokenizer.json} for {@code "type": "BPE"}: a word is split into characters
 * (unknown ones into {@code <0xAB>} byte tokens when {@code byte_fallback} is set), then adjacent pairs are merged
 * by merge rank, lowest first and leftmost first among equals, until no merge applies.
 */
final class HfBpeModel {
    private final Map<String, Integer> vocab;
    /** (left id, right id) packed into a long, to (rank, merged id) packed into a long. */
    private final Map<Long, Long> merges;
    private final int unkId;
    private final boolean fuseUnk;
    private final boolean byteFallback;
    private final boolean ignoreMerges;
    private final int[] byteIds = new int[256];

    private HfBpeModel(Map<String, Integer> vocab, Map<Long, Long> merges, int unkId, boolean fuseUnk,
            boolean byteFallback, boolean ignoreMerges) {
        this.vocab = vocab;
        this.merges = merges;
        this.unkId = unkId;
        this.fuseUnk = fuseUnk;
        this.byteFallback = byteFallback;
        this.ignoreMerges = ignoreMerges;
        for (int b = 0; b < 256; b++) {
            byteIds[b] = vocab.getOrDefault(String.format("<0x%02X>", b), -1);
        }
    }

    Map<String, Integer> vocab() { return vocab; }

    boolean byteFallback() { return byteFallback; }

    static HfBpeModel parse(JsonPath model) throws ModelFileException {
        String type = model.string("type");
        if (!type.equals("BPE")) {
            throw model.unsupported("type", type, "BPE");
        }
        for (String field : new String[] {"continuing_subword_prefix", "end_of_word_suffix"}) {
            if (model.has(field) && !model.string(field).isEmpty()) {
                throw model.unsupported(field, model.string(field), "null");
            }
        }
        if (model.has("dropout") && !(model.object().get("dropout").isJsonPrimitive()
                && model.object().get("dropout").getAsDouble() == 0.0)) {
            throw model.unsupported("dropout", String.valueOf(model.object().get("dropout")), "null");
        }
        // vocab: token string -> id
        JsonPath v = model.object("vocab");
        Map<String, Integer> vocab = new HashMap<>(v.object().size() * 2);
        for (Map.Entry<String, JsonElement> e : v.object().entrySet()) {
            int id = v.toInt(e.getKey(), e.getValue());
            if (id < 0) {
                throw v.error(e.getKey(), "negative id " + id);
            }
            vocab.put(e.getKey(), id);
        }
        // merges: "a b" strings (older files) or ["a", "b"] pairs, in rank order
        JsonArray m = model.array("merges");
        Map<Long, Long> merges = new HashMap<>(m.size() * 2);
        for (int rank = 0; rank < m.size(); rank++) {
            String field = "merges[" + rank + "]";
            String left;
            String right;
            JsonElement e = m.get(rank);
            if (e instanceof JsonPrimitive p && p.isString()) {
                String[] parts = p.getAsString().split(" ", -1);
                if (parts.length != 2) {
                    throw model.error(field, "expected 'left right', found '" + p.getAsString() + "'");
                }
                left = parts[0];
                right = parts[1];
            } else if (e instanceof JsonArray a && a.size() == 2 && a.get(0).isJsonPrimitive()
                    && a.get(1).isJsonPrimitive()) {
                left = a.get(0).getAsString();
                right = a.get(1).getAsString();
            } else {
                throw model.error(field, "expected a string or a pair of strings, found " + JsonPath.abbreviate(e));
            }
            Integer l = vocab.get(left);
            Integer r = vocab.get(right);
            Integer merged = vocab.get(left + right);
            if (l == null || r == null || merged == null) {
                String missing = l == null ? left : r == null ? right : left + right;
                throw model.error(field, "token '" + missing + "' is not in model.vocab");
            }
            merges.putIfAbsent(pair(l, r), ((long) rank << 32) | merged);
        }
        int unkId = -1;
        if (model.has("unk_token")) {
            String unk = model.string("unk_token");
            Integer id = vocab.get(unk);
            if (id == null) {
                throw model.error("unk_token", "'" + unk + "' is not in model.vocab");
            }
            unkId = id;
        }
        return new HfBpeModel(Map.copyOf(vocab), merges, unkId, model.bool("fuse_unk", false),
                model.bool("byte_fallback", false), model.bool("ignore_merges", false));
    }

    private static long pair(int left, int right) {
        return ((long) left << 32) | (right & 0xFFFFFFFFL);
    }

    /** Encodes one pre-tokenized word, appending the ids to {@code out}. */
    void encode(String word, IntList out) {
        if (word.isEmpty()) {
            return;
        }
        if (ignoreMerges) {
            Integer whole = vocab.get(word);
            if (whole != null) {
                out.add(whole);
                return;
            }
        }
        // 1. one symbol per character, or per byte of an unknown character
        IntList symbols = new IntList();
        boolean lastWasUnk = false;
        for (int i = 0; i < word.length(); ) {
            int cp = word.codePointAt(i);
            String ch = word.substring(i, i + Character.charCount(cp));
            i += ch.length();
            Integer id = vocab.get(ch);
            if (id != null) {
                symbols.add(id);
                lastWasUnk = false;
            } else if (byteFallback && allBytesKnown(ch)) {
                for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
                    symbols.add(byteIds[b & 0xFF]);
                }
                lastWasUnk = false;
            } else if (unkId >= 0) {
                if (!(fuseUnk && lastWasUnk)) {
                    symbols.add(unkId);
                }
                lastWasUnk = true;
            }
        }
        // 2. merge by rank
        merge(symbols);
        out.addAll(symbols);
    }

    private boolean allBytesKnown(String ch) {
        for (byte b : ch.getBytes(StandardCharsets.UTF_8)) {
            if (byteIds[b & 0xFF] < 0) {
                return false;
            }
        }
        return true;
    }

    /**
     * Merges in place with a priority queue of candidate pairs keyed by (rank, position); symbols live in a
     * doubly linked list over the array so a long word (a whole text when there is no pre-tokenizer) stays
     * O(n log n).
     */
    private void merge(IntList symbols) {
        int n = symbols.size();
        if (n < 2) {
            return;
        }
        int[] id = symbols.toArray();
        int[] prev = new int[n];
        int[] next = new int[n];
        for (int i = 0; i < n; i++) {
            prev[i] = i - 1;
            next[i] = i + 1 < n ? i + 1 : -1;
        }
        // queue entries: rank (high 32 bits), left position (low 32 bits); the right id is re-checked on pop
        PriorityQueue<long[]> queue = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));
        for (int i = 0; i + 1 < n; i++) {
            offer(queue, id, i, i + 1);
        }
        while (!queue.isEmpty()) {
            long[] top = queue.poll();
            int left = (int) top[0];
            int right = next[left];
            if (id[left] < 0 || right < 0 || id[left] != (int) (top[1] >>> 32) || id[right] != (int) top[1]) {
                continue; // stale: one side was merged since
            }
            Long hit = merges.get(pair(id[left], id[right]));
            id[left] = (int) (long) hit;
            id[right] = -1;
            next[left] = next[right];
            if (next[right] >= 0) {
                prev[next[right]] = left;
            }
            if (prev[left] >= 0) {
                offer(queue, id, prev[left], left);
            }
            if (next[left] >= 0) {
                offer(queue, id, left, next[left]);
            }
        }
        symbols.clear();
        for (int i = 0; i >= 0; i = next[i]) {
            symbols.add(id[i]);
        }
    }

    private void offer(PriorityQueue<long[]> queue, int[] id, int left, int right) {
        Long hit = merges.get(pair(id[left], id[right]));
        if (hit != null) {
            long rank = hit >>> 32;
            queue.add(new long[] {(rank << 32) | left, pair(id[left], id[right])});
        }
    }

    /** A growable int array. */
    static final class IntList {
        private int[] a = new int[16];
        private int size;

        void add(int v) {
            if (size == a.length) {
                a = Arrays.copyOf(a, size * 2);
            }
            a[size++] = v;
        }

        void addAll(IntList o) {
            for (int i = 0; i < o.size; i++) {
                add(o.a[i]);
            }
        }

        int size() { return size; }

        int get(int i) { return a[i]; }

        void clear() { size = 0; }

        int[] toArray() { return Arrays.copyOf(a, size); }
    }
}
