package dev.hearth.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The reference checks of the GGUF and SafeTensors issues, run through {@code bin/hearth} as a user would:
 * {@code run --temp 0}, {@code perplexity} and {@code logits} against llama.cpp's and Hugging Face's outputs in
 * {@code ../shared/reference}.
 */
class ReferenceCliIT {

    @TempDir
    Path work;
    HearthRunner hearth;
    Path shared;

    @BeforeEach
    void setUp() throws IOException {
        shared = Dist.shared("reference");
        hearth = new HearthRunner(work, Files.createDirectories(work.resolve("deploy")));
    }

    @Test
    void runGreedyGivesLlamaCppsTextForStories260K() throws Exception {
        JsonObject ref = reference("reference/greedy.jsonl", "models/stories260K/stories260K.gguf");
        HearthRunner.Result r = hearth.run("run", shared.resolve(ref.get("model").getAsString()).toString(),
                "-p", ref.get("prompt").getAsString(), "-n", ref.get("n_predict").getAsString(), "--temp", "0");
        assertEquals(0, r.code(), r.toString());
        assertEquals(ref.get("text").getAsString() + "\n", r.out(), "only the generated text reaches stdout");
        assertTrue(r.err().contains("ttft"), "a stats line on stderr: " + r.err());
    }

    @Test
    void runGreedyOnTheHuggingFaceFolderGivesTransformersText() throws Exception {
        JsonObject ref = reference("reference/hf-greedy.jsonl", "models/tinystories-656k/hf");
        HearthRunner.Result r = hearth.run("run", shared.resolve(ref.get("model").getAsString()).toString(),
                "--backend", "safetensors-ort-cpu", "-p", ref.get("prompt").getAsString(),
                "-n", ref.get("n_predict").getAsString(), "--temp", "0");
        assertEquals(0, r.code(), r.toString());
        assertEquals(ref.get("text").getAsString() + "\n", r.out());
    }

    @Test
    void perplexityIsWithinHalfAPercentOfLlamaCpps() throws Exception {
        JsonObject ref = reference("reference/perplexity.jsonl", "models/stories260K/stories260K.gguf");
        HearthRunner.Result r = hearth.run("perplexity", shared.resolve(ref.get("model").getAsString()).toString(),
                shared.resolve(ref.get("text").getAsString()).toString(), "--ctx", ref.get("ctx").getAsString());
        assertEquals(0, r.code(), r.toString());
        List<String> lines = r.out().lines().toList();
        String last = lines.getLast();
        assertTrue(last.startsWith("PPL = "), "PPL = <value> is the last line: " + r.out());
        double ppl = Double.parseDouble(last.substring("PPL = ".length()));
        double expected = ref.get("ppl").getAsDouble();
        assertEquals(expected, ppl, expected * 0.005, "perplexity within 0.5 % of llama.cpp's");
    }

    @Test
    void logitsFileMatchesLlamaCpps() throws Exception {
        Path prompt = Files.writeString(work.resolve("prompt.txt"), "Once upon a time, there was a little girl named Lily.");
        Path out = work.resolve("ours.logits");
        HearthRunner.Result r = hearth.run("logits", shared.resolve("models/stories260K/stories260K.gguf").toString(),
                "--prompt-file", prompt.toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        LlamaCppLogits ours = LlamaCppLogits.read(out);
        LlamaCppLogits expected = LlamaCppLogits.read(shared.resolve("reference/stories260K.logits"));
        assertEquals(expected.tokens().length, ours.tokens().length, "positions");
        double rel = ours.relativeL2(expected);
        assertTrue(rel < 1e-2, "relative L2 error " + rel);
    }

    @Test
    void tokenizeMatchesLlamaCppsGoldenIds() throws Exception {
        List<String> inputs = List.of(Files.readString(shared.resolve("vocab/ggml-vocab-llama-spm.gguf.inp"))
                .split("\n__ggml_vocab_test__\n"));
        List<String> outputs = Files.readAllLines(shared.resolve("vocab/ggml-vocab-llama-spm.gguf.out"));
        int k = inputs.indexOf(inputs.stream().filter(s -> s.contains("Hello world")).findFirst().orElseThrow());
        HearthRunner.Result r = hearth.run("tokenize", shared.resolve("models/llama-mini/llama-mini-F16.gguf").toString(),
                "--no-bos", "-p", inputs.get(k));
        assertEquals(0, r.code(), r.toString());
        assertEquals(outputs.get(k).strip(), r.out().strip());
    }

    private JsonObject reference(String file, String model) throws IOException {
        for (String line : Files.readAllLines(shared.resolve(file))) {
            if (line.isBlank()) continue;
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (o.get("model").getAsString().equals(model)) return o;
        }
        throw new AssertionError("no reference for " + model + " in " + file);
    }
}
