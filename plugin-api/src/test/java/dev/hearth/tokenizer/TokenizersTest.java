package dev.hearth.tokenizer;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.api.tokenizer.Tokenizer;
import java.util.List;
import org.junit.jupiter.api.Test;

class TokenizersTest {

    @Test
    void choosesByKind() {
        assertInstanceOf(SentencePieceTokenizer.class,
                Tokenizers.create(SentencePieceTokenizerTest.llamaVocab(true, "▁a").build()));
        assertInstanceOf(BpeTokenizer.class,
                Tokenizers.create(BpeTokenizerTest.gpt2Vocab("gpt-2", List.of()).build()));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> Tokenizers.create(Vocabulary.builder("bert", "a").build()));
        assertTrue(e.getMessage().contains("bert") && e.getMessage().contains("gpt2"), e.getMessage());
    }

    @Test
    void endOfGenerationCoversEosEotEomAndEndOfTurnTexts() {
        Vocabulary v = Vocabulary.builder("llama", "<unk>", "<s>", "</s>", "<|eot_id|>", "<|eom_id|>", "x",
                        "<|im_end|>", "<end_of_turn>", "<|end|>", "<|endoftext|>", "<|im_start|>")
                .tokenTypes(2, 3, 3, 3, 3, 1, 3, 3, 1, 3, 3)
                .bos(1).eos(2).eot(3).eom(4).unk(0).build();
        Tokenizer t = Tokenizers.create(v);
        for (int id : new int[] {2, 3, 4, 6, 7, 8, 9}) {
            assertTrue(t.isEndOfGeneration(id), t.tokenText(id));
        }
        for (int id : new int[] {-1, 0, 1, 5, 10}) {
            assertFalse(t.isEndOfGeneration(id), String.valueOf(id));
        }
        // "<|end|>" is stored as a normal token, but like llama.cpp it is treated as control
        assertTrue(t.isSpecial(8));
    }

    @Test
    void eotAloneEndsGeneration() {
        Vocabulary v = Vocabulary.builder("llama", "<unk>", "a", "b").eot(2).build();
        Tokenizer t = Tokenizers.create(v);
        assertTrue(t.isEndOfGeneration(2));
        assertFalse(t.isEndOfGeneration(1));
    }
}
