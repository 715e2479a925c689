package dev.hearth.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.function.Supplier;
import org.junit.jupiter.api.Test;

class VocabularyTest {

    private static void assertRefused(String field, Supplier<Vocabulary> build) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, build::get);
        assertTrue(e.getMessage().startsWith(field), "message should name '" + field + "': " + e.getMessage());
    }

    @Test
    void validatesEveryField() {
        assertRefused("kind", () -> Vocabulary.builder(" ", "a").build());
        assertRefused("tokens", () -> Vocabulary.builder("llama").build());
        assertRefused("tokens[1]", () -> Vocabulary.builder("llama", "a", null).build());
        assertRefused("scores", () -> Vocabulary.builder("llama", "a", "b").scores(1f).build());
        assertRefused("tokenTypes", () -> Vocabulary.builder("llama", "a").tokenTypes(1, 1).build());
        assertRefused("bos", () -> Vocabulary.builder("llama", "a").bos(1).build());
        assertRefused("eos", () -> Vocabulary.builder("llama", "a").eos(-2).build());
        assertRefused("unk", () -> Vocabulary.builder("llama", "a").unk(5).build());
        assertRefused("eot", () -> Vocabulary.builder("llama", "a").eot(5).build());
        assertRefused("eom", () -> Vocabulary.builder("llama", "a").eom(5).build());
        assertRefused("pad", () -> Vocabulary.builder("llama", "a").pad(5).build());
        assertRefused("sep", () -> Vocabulary.builder("llama", "a").sep(5).build());
        assertRefused("addBos", () -> Vocabulary.builder("llama", "a").addBos(true).build());
        assertRefused("addEos", () -> Vocabulary.builder("llama", "a").addEos(true).build());
        assertRefused("merges[0]", () -> Vocabulary.builder("gpt2", "a").merges(java.util.Arrays.asList(
                (String) null)).build());
    }

    @Test
    void tokenizersRefuseDuplicateTokensAndBadByteTokens() {
        assertRefused("tokens", () -> {
            Tokenizers.create(Vocabulary.builder("llama", "a", "b", "a").build());
            return null;
        });
        assertRefused("tokens[0]", () -> {
            Tokenizers.create(Vocabulary.builder("llama", "<0xZZ>").tokenTypes(Vocabulary.TYPE_BYTE).build());
            return null;
        });
    }

    @Test
    void defaultsAndValueEquality() {
        Vocabulary llama = Vocabulary.builder("llama", "a", "b").scores(0f, 1f).build();
        assertTrue(llama.addSpacePrefix());
        assertEquals(-1, llama.bos());
        assertEquals(Vocabulary.TYPE_NORMAL, llama.tokenType(1));
        assertEquals(1f, llama.score(1));
        assertEquals(llama, Vocabulary.builder("llama", "a", "b").scores(0f, 1f).build());
        assertEquals(llama.hashCode(), Vocabulary.builder("llama", "a", "b").scores(0f, 1f).build().hashCode());
        assertNotEquals(llama, Vocabulary.builder("llama", "a", "c").scores(0f, 1f).build());
        assertTrue(!Vocabulary.builder("gpt2", "a").build().addSpacePrefix());
        assertTrue(llama.toString().contains("tokens=2"));
    }
}
