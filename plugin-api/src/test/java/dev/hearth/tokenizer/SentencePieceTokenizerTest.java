package dev.hearth.tokenizer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.api.tokenizer.Tokenizer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class SentencePieceTokenizerTest {

    /**
     * A Llama-like vocabulary: 0 {@code <unk>}, 1 {@code <s>}, 2 {@code </s>}, 3..258 byte tokens, then
     * {@code pieces} with scores falling from -1 in steps of 1 (earlier pieces merge first).
     */
    static Vocabulary.Builder llamaVocab(boolean byteTokens, String... pieces) {
        List<String> tokens = new ArrayList<>(List.of("<unk>", "<s>", "</s>"));
        List<Integer> types = new ArrayList<>(List.of(
                Vocabulary.TYPE_UNKNOWN, Vocabulary.TYPE_CONTROL, Vocabulary.TYPE_CONTROL));
        if (byteTokens) {
            for (int b = 0; b < 256; b++) {
                tokens.add(String.format("<0x%02X>", b));
                types.add(Vocabulary.TYPE_BYTE);
            }
        }
        for (String piece : pieces) {
            tokens.add(piece);
            types.add(Vocabulary.TYPE_NORMAL);
        }
        float[] scores = new float[tokens.size()];
        for (int i = tokens.size() - pieces.length, rank = 1; i < tokens.size(); i++, rank++) {
            scores[i] = -rank;
        }
        return Vocabulary.builder(Vocabulary.KIND_LLAMA, tokens)
                .scores(scores)
                .tokenTypes(types.stream().mapToInt(Integer::intValue).toArray())
                .unk(0).bos(1).eos(2).addBos(true);
    }

    private static int id(Tokenizer t, String text) {
        for (int i = 0; i < t.vocabSize(); i++) {
            if (t.tokenText(i).equals(text)) {
                return i;
            }
        }
        throw new AssertionError("no token " + text);
    }

    private static int[] ids(Tokenizer t, String... texts) {
        int[] ids = new int[texts.length];
        for (int i = 0; i < texts.length; i++) {
            ids[i] = id(t, texts[i]);
        }
        return ids;
    }

    @Test
    void mergesTheBestScoringPairFirst() {
        // "ab" scores better than "bc": a b c -> ab c
        Tokenizer t = new SentencePieceTokenizer(llamaVocab(true, "ab", "bc", "a", "b", "c")
                .addSpacePrefix(false).build());
        assertArrayEquals(ids(t, "ab", "c"), t.encode("abc", false, false));
        // the other way round: a b c -> a bc
        Tokenizer u = new SentencePieceTokenizer(llamaVocab(true, "bc", "ab", "a", "b", "c")
                .addSpacePrefix(false).build());
        assertArrayEquals(ids(u, "a", "bc"), u.encode("abc", false, false));
    }

    @Test
    void equalScoresMergeLeftmostFirst() {
        // "aaa": both pairs are "aa" with the same score; the left one wins -> aa a
        Tokenizer t = new SentencePieceTokenizer(llamaVocab(true, "aa", "a").addSpacePrefix(false).build());
        assertArrayEquals(ids(t, "aa", "a"), t.encode("aaa", false, false));
    }

    @Test
    void mergesRepeatedlyIntoLongerPieces() {
        Tokenizer t = new SentencePieceTokenizer(llamaVocab(true,
                "▁h", "el", "lo", "▁hel", "▁hello", "▁", "h", "e", "l", "o").build());
        assertArrayEquals(ids(t, "▁hello"), t.encode("hello", false, false));
        assertArrayEquals(new int[] {1, id(t, "▁hello")}, t.encode("hello", true, false));
        assertEquals("hello", t.decode(t.encode("hello", true, false), false).strip());
    }

    @Test
    void spacesBecomeSpaceMarksAndAPrefixIsAdded() {
        Tokenizer t = new SentencePieceTokenizer(llamaVocab(true, "▁a", "▁", "a").build());
        assertArrayEquals(ids(t, "▁a", "▁a"), t.encode("a a", false, false));
        assertArrayEquals(ids(t, "▁", "▁a"), t.encode(" a", false, false));
        assertEquals(" a", t.decode(t.encode(" a", false, false), false));
        assertEquals("a a", t.decode(t.encode("a a", false, false), false));
    }

    @Test
    void piecesOutsideTheVocabularyFallBackToBytes() {
        Tokenizer t = new SentencePieceTokenizer(llamaVocab(true, "▁", "a").build());
        // é is C3 A9 in UTF-8; 🦙 is F0 9F A6 99
        assertArrayEquals(new int[] {id(t, "▁"), id(t, "<0xC3>"), id(t, "<0xA9>")}, t.encode("é", false, false));
        int[] llama = t.encode("a🦙", false, false);
        assertArrayEquals(ids(t, "▁", "a", "<0xF0>", "<0x9F>", "<0xA6>", "<0x99>"), llama);
        assertEquals("a🦙", t.decode(llama, false));
        assertArrayEquals(new byte[] {(byte) 0xC3}, t.tokenBytes(id(t, "<0xC3>")));
    }

    @Test
    void withoutByteTokensUnknownPiecesGiveTheUnknownToken() {
        Tokenizer t = new SentencePieceTokenizer(llamaVocab(false, "▁", "a").build());
        assertArrayEquals(new int[] {id(t, "▁"), 0, id(t, "a")}, t.encode("éa", false, false));
        assertEquals("a", t.decode(t.encode("éa", false, false), false), "unknown renders as nothing");
        assertEquals("<unk>a", t.decode(t.encode("éa", false, false), true));
    }

    @Test
    void specialTokensAreParsedOnlyWhenAsked() {
        Tokenizer t = new SentencePieceTokenizer(llamaVocab(true, "▁a", "▁", "a", "<", ">", "/", "s").build());
        int a = id(t, "▁a");
        assertArrayEquals(new int[] {1, a, 2}, t.encode("<s>a</s>", false, true));
        int[] plain = t.encode("<s>a</s>", false, false);
        assertFalse(contains(plain, 1) || contains(plain, 2), "control tokens stay text without parseSpecial");
        assertEquals("<s>a</s>", t.decode(plain, false));
        // the text after a special token gets the space prefix again, as in llama.cpp
        assertArrayEquals(new int[] {1, a, 1, a}, t.encode("<s>a<s>a", false, true));
    }

    @Test
    void userDefinedTokensAreCutOutEvenWithoutParseSpecial() {
        List<String> extra = List.of("▁", "x", "y", "<tag>");
        Vocabulary base = llamaVocab(true, extra.toArray(String[]::new)).build();
        int[] types = base.tokenTypes().clone();
        types[types.length - 1] = Vocabulary.TYPE_USER_DEFINED;
        Tokenizer t = new SentencePieceTokenizer(llamaVocab(true, extra.toArray(String[]::new))
                .tokenTypes(types).build());
        int tag = id(t, "<tag>");
        assertArrayEquals(new int[] {id(t, "▁"), id(t, "x"), tag, id(t, "▁"), id(t, "y")},
                t.encode("x<tag>y", false, false));
        assertFalse(t.isSpecial(tag));
        // the fragment after the user-defined token gets a space prefix, which decoding keeps (as llama.cpp)
        assertEquals("x<tag> y", t.decode(t.encode("x<tag>y", false, false), false));
    }

    @Test
    void longestSpecialTokenWins() {
        Vocabulary base = llamaVocab(true, "<a>", "<a><b>", "▁").build();
        int[] types = base.tokenTypes().clone();
        types[types.length - 3] = Vocabulary.TYPE_CONTROL;
        types[types.length - 2] = Vocabulary.TYPE_CONTROL;
        Tokenizer t = new SentencePieceTokenizer(llamaVocab(true, "<a>", "<a><b>", "▁").tokenTypes(types).build());
        assertArrayEquals(ids(t, "<a><b>", "<a>"), t.encode("<a><b><a>", false, true));
    }

    @Test
    void decodeDropsOnlyTheFirstTokensPrefixSpace() {
        Tokenizer t = new SentencePieceTokenizer(llamaVocab(true, "▁a", "▁b").build());
        int[] ids = ids(t, "▁a", "▁b");
        assertEquals("a b", t.decode(ids, false));
        // llama.cpp: a leading BOS takes the turn, so the space after it stays
        assertEquals(" a b", t.decode(new int[] {1, ids[0], ids[1]}, false));
        assertEquals("<s> a b", t.decode(new int[] {1, ids[0], ids[1]}, true));
        assertArrayEquals(" a".getBytes(StandardCharsets.UTF_8), t.tokenBytes(ids[0]));
    }

    @Test
    void basicsAndErrors() {
        Tokenizer t = new SentencePieceTokenizer(llamaVocab(true, "▁a").build());
        assertEquals("llama", t.kind());
        assertEquals(1, t.bos());
        assertEquals(2, t.eos());
        assertTrue(t.addsBos());
        assertTrue(t.isSpecial(0) && t.isSpecial(1) && !t.isSpecial(3));
        assertTrue(t.isEndOfGeneration(2));
        assertFalse(t.isEndOfGeneration(1));
        assertArrayEquals(new int[0], t.encode("", false, false));
        assertArrayEquals(new int[] {1}, t.encode("", true, false));
        assertEquals("", t.decode(new int[0], true));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> t.tokenBytes(99999));
        assertTrue(e.getMessage().contains("99999"), e.getMessage());
    }

    private static boolean contains(int[] ids, int id) {
        for (int i : ids) {
            if (i == id) {
                return true;
            }
        }
        return false;
    }
}
