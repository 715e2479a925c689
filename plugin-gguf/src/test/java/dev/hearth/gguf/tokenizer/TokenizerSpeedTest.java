package dev.hearth.gguf.tokenizer;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.hearth.api.tokenizer.Tokenizer;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.tokenizer.Tokenizers;
import dev.hearth.tokenizer.Vocabulary;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Encoding a prompt of about 2000 tokens must take milliseconds, and building a tokenizer from a real
 * vocabulary must be quick. The bounds are loose (a shared two-core machine); they catch quadratic behaviour,
 * not small regressions. Timings are printed.
 */
class TokenizerSpeedTest {

    private static Path shared() {
        return dev.hearth.gguf.testing.SharedData.find().orElse(null);
    }

    @ParameterizedTest
    @ValueSource(strings = {"llama-spm", "gpt-2"})
    void encodesTwoThousandTokensInMilliseconds(String name) throws IOException {
        Path dir = shared();
        assumeTrue(dir != null && Files.isRegularFile(dir.resolve("texts/gpl-3.txt")),
                "shared test data not found: set -Dhearth.shared (../shared beside the repository)");
        Vocabulary vocab;
        try (GgufFile file = GgufFile.open(dir.resolve("vocab/ggml-vocab-" + name + ".gguf"))) {
            vocab = GgufVocabularies.fromFile(file);
        }
        long t0 = System.nanoTime();
        Tokenizer tokenizer = Tokenizers.create(vocab);
        double buildMs = (System.nanoTime() - t0) / 1e6;

        String gpl = Files.readString(dir.resolve("texts/gpl-3.txt"));
        String prompt = gpl.substring(0, 8800); // about 2000 tokens of English prose
        int[] ids = tokenizer.encode(prompt, true, false);
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 20; i++) {
            long start = System.nanoTime();
            ids = tokenizer.encode(prompt, true, false);
            best = Math.min(best, (System.nanoTime() - start) / 1e6);
        }
        System.out.printf("%s: %d tokens, build %.1f ms, encode best of 20 %.2f ms%n",
                name, ids.length, buildMs, best);
        assertTrue(ids.length > 1500 && ids.length < 2600, "prompt size " + ids.length);
        assertTrue(best < 100, name + ": encoding took " + best + " ms");
        assertTrue(buildMs < 2000, name + ": building took " + buildMs + " ms");
        assertEquals(prompt, tokenizer.decode(ids, false).substring(vocab.addBos() ? 1 : 0));
    }
}
