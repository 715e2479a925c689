package dev.hearth.tokenizer;

import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.hearth.api.tokenizer.Tokenizer;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** A 150k-token byte-level vocabulary (Qwen-sized) must build quickly; the bound is loose, timings printed. */
class TokenizerBuildSpeedTest {

    @Test
    void buildsA150kVocabularyQuickly() {
        List<String> tokens = new ArrayList<>();
        for (int b = 0; b < 256; b++) {
            tokens.add(String.valueOf(ByteUnicode.charOf(b)));
        }
        List<String> merges = new ArrayList<>();
        for (int i = 0; tokens.size() < 150_000; i++) {
            String left = Integer.toString(i, 26);
            tokens.add(left + "x");
            merges.add(left + " x");
        }
        Vocabulary vocab = Vocabulary.builder(Vocabulary.KIND_GPT2, tokens).pre("qwen2").merges(merges).build();
        Tokenizers.create(vocab); // warm-up
        long start = System.nanoTime();
        Tokenizer t = Tokenizers.create(vocab);
        double ms = (System.nanoTime() - start) / 1e6;
        System.out.printf("150k vocabulary with %d merges built in %.1f ms%n", merges.size(), ms);
        assertTrue(t.vocabSize() == 150_000);
        assertTrue(ms < 1500, "building took " + ms + " ms");
    }
}
