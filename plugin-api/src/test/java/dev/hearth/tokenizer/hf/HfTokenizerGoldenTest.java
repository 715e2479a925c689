package dev.hearth.tokenizer.hf;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import dev.hearth.api.tokenizer.Tokenizer;

/**
 * Golden tokenisation against independent references: Hugging Face transformers' ids for TinyStories-656K
 * ({@code reference/hf-greedy.jsonl}) and llama.cpp's Llama 2 test cases ({@code vocab/ggml-vocab-llama-spm}).
 */
class HfTokenizerGoldenTest {

    static Path shared(String rel) {
        String root = System.getProperty("hearth.shared");
        Assumptions.assumeTrue(root != null, "system property hearth.shared is not set");
        Path p = Path.of(root).resolve(rel);
        Assumptions.assumeTrue(Files.exists(p), "shared test data absent: " + p);
        return p;
    }

    @Test
    void tinyStoriesTokenizerJsonReproducesTransformersIds() throws IOException {
        Path folder = shared("models/tinystories-656k/hf");
        Tokenizer tok = HfTokenizers.load(folder);
        assertTrue(tok instanceof HfTokenizerJson, "tokenizer.json must be preferred");
        assertEquals(2048, tok.vocabSize());
        assertEquals(1, tok.bos());
        assertEquals(2, tok.eos());
        assertTrue(tok.addsBos());
        int cases = 0;
        for (String line : Files.readAllLines(shared("reference/hf-greedy.jsonl"), StandardCharsets.UTF_8)) {
            if (line.isBlank()) {
                continue;
            }
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (!o.get("model").getAsString().equals("models/tinystories-656k/hf")) {
                continue;
            }
            String prompt = o.get("prompt").getAsString();
            int[] expected = ints(o, "prompt_tokens");
            assertArrayEquals(expected, tok.encode(prompt, true, true), "prompt '" + prompt + "'");
            // decode round-trips, BOS hidden unless rendered
            assertEquals(prompt, tok.decode(expected, false));
            // as transformers: Strip removes the leading space only when it begins the fused text
            assertEquals("<|start_story|> " + prompt, tok.decode(expected, true));
            // the generated continuation decodes to transformers' text
            int[] generated = ints(o, "tokens");
            assertEquals(o.get("text").getAsString(), tok.decode(generated, false), "continuation of '" + prompt + "'");
            cases++;
        }
        assertTrue(cases > 0, "no tinystories cases in hf-greedy.jsonl");
    }

    @Test
    void tinyStoriesRoundTripsArbitraryText() throws IOException {
        Tokenizer tok = HfTokenizers.load(shared("models/tinystories-656k/hf"));
        for (String text : List.of("Hello, world!", "  two  spaces ", "line\nbreak", "x")) {
            int[] ids = tok.encode(text, false, false);
            assertEquals(text, tok.decode(ids, false), Arrays.toString(ids));
        }
        // the vocabulary has no <0xNN> byte tokens, so byte fallback yields <unk> (id 0), as in transformers
        int[] unknown = tok.encode("café", false, false);
        assertEquals(0, unknown[unknown.length - 1]);
        // special tokens in the text are matched only when asked to
        int[] parsed = tok.encode("<|end_story|>", false, true);
        assertArrayEquals(new int[] {80, 2}, parsed, "normalised added token after the Prepend ▁");
        int[] literal = tok.encode("<|end_story|>", false, false);
        assertTrue(literal.length > 2);
        assertTrue(tok.isEndOfGeneration(2));
    }

    @Test
    void llamaMiniTokenizerModelEncodesLikeLlama2() throws IOException {
        Path folder = shared("models/llama-mini/hf");
        Tokenizer tok = HfTokenizers.load(folder);
        assertEquals(32000, tok.vocabSize());
        assertEquals(1, tok.bos());
        assertEquals(2, tok.eos());
        assertTrue(tok.addsBos());
        String inp = Files.readString(shared("vocab/ggml-vocab-llama-spm.gguf.inp"), StandardCharsets.UTF_8);
        List<String> texts = new ArrayList<>(Arrays.asList(inp.split("\n__ggml_vocab_test__\n", -1)));
        texts.removeLast(); // the file ends with the separator
        List<String> out = Files.readAllLines(shared("vocab/ggml-vocab-llama-spm.gguf.out"), StandardCharsets.UTF_8);
        assertEquals(out.size(), texts.size());
        for (int i = 0; i < texts.size(); i++) {
            String line = out.get(i).strip();
            int[] expected = line.isEmpty() ? new int[0] : Arrays.stream(line.split("\\s+")).mapToInt(Integer::parseInt).toArray();
            assertArrayEquals(expected, tok.encode(texts.get(i), false, false), "case " + i + " '" + texts.get(i) + "'");
        }
        assertArrayEquals(new int[] {1, 15043, 3186}, tok.encode("Hello world", true, false));
    }

    private static int[] ints(JsonObject o, String field) {
        return o.getAsJsonArray(field).asList().stream().mapToInt(e -> e.getAsInt()).toArray();
    }
}
