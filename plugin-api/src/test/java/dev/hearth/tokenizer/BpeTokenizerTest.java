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

class BpeTokenizerTest {

    /**
     * A byte-level vocabulary: ids 0..255 are the byte alphabet in byte order (id = byte value), then
     * {@code extra} tokens; the last extra token {@code <|endoftext|>} is a control token and EOS.
     */
    static Vocabulary.Builder gpt2Vocab(String pre, List<String> merges, String... extra) {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteUnicode.charOf(b)));
        }
        tokens.addAll(List.of(extra));
        tokens.add("<|endoftext|>");
        int[] types = new int[tokens.size()];
        java.util.Arrays.fill(types, Vocabulary.TYPE_NORMAL);
        types[types.length - 1] = Vocabulary.TYPE_CONTROL;
        return Vocabulary.builder(Vocabulary.KIND_GPT2, tokens).pre(pre).merges(merges).tokenTypes(types)
                .bos(tokens.size() - 1).eos(tokens.size() - 1);
    }

    private static int id(Tokenizer t, String text) {
        for (int i = 0; i < t.vocabSize(); i++) {
            if (t.tokenText(i).equals(text)) {
                return i;
            }
        }
        throw new AssertionError("no token " + text);
    }

    @Test
    void byteAlphabetMapsSpaceAndNewline() {
        assertEquals('Ġ', ByteUnicode.charOf(' '));
        assertEquals('Ċ', ByteUnicode.charOf('\n'));
        assertEquals('a', ByteUnicode.charOf('a'));
        assertEquals("ĠhÃ©", ByteUnicode.encode(" hé"));
        assertArrayEquals(" hé".getBytes(StandardCharsets.UTF_8), ByteUnicode.decode("ĠhÃ©"));
    }

    @Test
    void mergesApplyInRankOrder() {
        // "hello": l l (rank 0) first, then h e, then he ll, then hell o
        Tokenizer t = new BpeTokenizer(gpt2Vocab("gpt-2",
                List.of("l l", "h e", "he ll", "hell o"), "ll", "he", "hell", "hello").build());
        assertArrayEquals(new int[] {id(t, "hello")}, t.encode("hello", false, false));
        // with "e l" ranked first, it takes the e before "h e" and the l before "l l" can apply
        Tokenizer u = new BpeTokenizer(gpt2Vocab("gpt-2",
                List.of("e l", "l l", "h e", "he ll", "hell o"), "el", "ll", "he", "hell", "hello").build());
        assertArrayEquals(new int[] {'h', id(u, "el"), 'l', 'o'}, u.encode("hello", false, false));
    }

    @Test
    void mergesDoNotCrossWordsAndSpacesJoinTheNextWord() {
        Tokenizer t = new BpeTokenizer(gpt2Vocab("gpt-2", List.of("Ġ a", "a a"), "Ġa", "aa").build());
        // words: "aa", " aa" -> [aa] [Ġa, a]  (Ġ a has the better rank)
        assertArrayEquals(new int[] {id(t, "aa"), id(t, "Ġa"), 'a'}, t.encode("aa aa", false, false));
        assertEquals("aa aa", t.decode(t.encode("aa aa", false, false), false));
    }

    @Test
    void equalRanksMergeLeftmostFirst() {
        Tokenizer t = new BpeTokenizer(gpt2Vocab("gpt-2", List.of("a a"), "aa").build());
        assertArrayEquals(new int[] {id(t, "aa"), 'a'}, t.encode("aaa", false, false));
    }

    @Test
    void multiByteCharactersRoundTripThroughBytes() {
        Tokenizer t = new BpeTokenizer(gpt2Vocab("gpt-2", List.of()).build());
        String text = "Führer 🦙 нещо\n\t";
        int[] ids = t.encode(text, false, false);
        assertEquals(text.getBytes(StandardCharsets.UTF_8).length, ids.length, "one token per byte");
        assertEquals(text, t.decode(ids, false));
        assertArrayEquals(new byte[] {(byte) 0xF0}, t.tokenBytes(0xF0));
    }

    @Test
    void specialTokensAreParsedOnlyWhenAsked() {
        Tokenizer t = new BpeTokenizer(gpt2Vocab("gpt-2", List.of()).build());
        int eot = id(t, "<|endoftext|>");
        assertArrayEquals(new int[] {'a', eot, 'b'}, t.encode("a<|endoftext|>b", false, true));
        int[] plain = t.encode("a<|endoftext|>b", false, false);
        assertEquals(15, plain.length);
        assertEquals("a<|endoftext|>b", t.decode(plain, false));
        assertEquals("ab", t.decode(new int[] {'a', eot, 'b'}, false));
        assertEquals("a<|endoftext|>b", t.decode(new int[] {'a', eot, 'b'}, true));
        assertTrue(t.isSpecial(eot));
        assertTrue(t.isEndOfGeneration(eot));
    }

    @Test
    void ignoreMergesTakesWholeWordsThatAreTokens() {
        // no merge leads to "abc", but Llama 3 takes the word whole
        Vocabulary.Builder v = gpt2Vocab("llama-bpe", List.of("a b"), "ab", "abc");
        Tokenizer t = new BpeTokenizer(v.build());
        assertArrayEquals(new int[] {id(t, "abc")}, t.encode("abc", false, false));
        Tokenizer gpt2 = new BpeTokenizer(gpt2Vocab("gpt-2", List.of("a b"), "ab", "abc").build());
        assertArrayEquals(new int[] {id(gpt2, "ab"), 'c'}, gpt2.encode("abc", false, false));
    }

    @Test
    void bosAndEosAreAddedOnlyWhenTheVocabularyAsks() {
        Vocabulary v = gpt2Vocab("gpt-2", List.of()).addBos(true).addEos(true).build();
        Tokenizer t = new BpeTokenizer(v);
        int end = v.eos();
        assertArrayEquals(new int[] {end, 'x', end}, t.encode("x", true, false));
        assertArrayEquals(new int[] {'x'}, t.encode("x", false, false));
        Tokenizer plain = new BpeTokenizer(gpt2Vocab("gpt-2", List.of()).build());
        assertArrayEquals(new int[] {'x'}, plain.encode("x", true, false));
        assertFalse(plain.addsBos());
        assertEquals("gpt2", plain.kind());
    }

    @Test
    void unsupportedPreTokenizerIsRefusedByName() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> new BpeTokenizer(gpt2Vocab("no-such-pre", List.of()).build()));
        assertTrue(e.getMessage().contains("no-such-pre") && e.getMessage().contains("qwen2"), e.getMessage());
    }
}
