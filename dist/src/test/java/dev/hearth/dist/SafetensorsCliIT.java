package dev.hearth.dist;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SafeTensors issue's commands through {@code bin/hearth} as a user runs them: {@code verify} and {@code info}
 * on a {@code .safetensors} file and on a model folder, and {@code logits} and {@code perplexity} with
 * {@code --backend safetensors-ort-cpu} on {@code llama-mini/hf}, which holds the same weights as
 * {@code llama-mini-F16.gguf}, against llama.cpp's outputs for that GGUF.
 */
class SafetensorsCliIT {
    @TempDir
    Path work;
    HearthRunner hearth;
    Path shared;

    @BeforeEach
    void setUp() throws IOException {
        shared = Dist.shared("models/llama-mini/hf");
        hearth = new HearthRunner(work, Files.createDirectories(work.resolve("deploy")));
    }

    @Test
    void verifyAndInfoAcceptAFileAndAFolder() throws Exception {
        Path folder = shared.resolve("models/tinystories-656k/hf");
        for (Path p : List.of(folder, folder.resolve("model.safetensors"))) {
            HearthRunner.Result v = hearth.run("verify", p.toString());
            assertEquals(0, v.code(), v.toString());
            assertEquals(p.getFileName() + ": OK (safetensors)", v.out().strip());
        }
        HearthRunner.Result info = hearth.run("info", shared.resolve("models/llama-mini/hf").toString());
        assertEquals(0, info.code(), info.toString());
        for (String expected : List.of("format:        safetensors", "architecture:  llama", "parameters:    19532032",
                "F16: 39 tensors", "tokenizer:     llama, 32000 tokens", "num_key_value_heads = 4")) {
            assertTrue(info.out().contains(expected), expected + "\n" + info);
        }
        HearthRunner.Result file = hearth.run("info", folder.resolve("model.safetensors").toString());
        assertEquals(0, file.code(), file.toString());
        assertTrue(file.out().contains("F32: 20 tensors, 2624000 bytes"), file.toString());
    }

    @Test
    void verifyOnACorruptFileFailsWithOneLineNamingFileAndField() throws Exception {
        byte[] bytes = Files.readAllBytes(shared.resolve("models/tinystories-656k/hf/model.safetensors"));
        ByteBuffer.wrap(bytes).order(ByteOrder.LITTLE_ENDIAN).putLong(0, bytes.length + 1L); // header_length
        Path bad = Files.write(work.resolve("bad.safetensors"), bytes);
        HearthRunner.Result r = hearth.run("verify", bad.toString());
        assertEquals(1, r.code(), r.toString());
        // the problem on stdout (like every verify report), the one-line summary on stderr
        assertTrue(r.out().contains("bad.safetensors") && r.out().contains("header_length")
                && r.out().contains("exceeds"), r.toString());
        assertEquals(List.of("bad.safetensors: 1 problem (safetensors)"), r.errLines());
        assertTrue(r.noStackTrace(), r.toString());
    }

    @Test
    void logitsOnTheOrtBackendMatchLlamaCppsF16() throws Exception {
        Path out = work.resolve("ours.logits");
        HearthRunner.Result r = hearth.run("logits", shared.resolve("models/llama-mini/hf").toString(),
                "--backend", "safetensors-ort-cpu", "--prompt-file",
                shared.resolve("reference/logits-prompt.txt").toString(), "--out", out.toString());
        assertEquals(0, r.code(), r.toString());
        LlamaCppLogits ours = LlamaCppLogits.read(out);
        LlamaCppLogits expected = LlamaCppLogits.read(shared.resolve("reference/llama-mini-F16.logits"));
        assertTrue(Arrays.equals(expected.tokens(), ours.tokens()), "token ids: " + Arrays.toString(ours.tokens())
                + " expected " + Arrays.toString(expected.tokens()));
        double rel = ours.relativeL2(expected);
        assertTrue(rel < 1e-2, "relative L2 error " + rel);
    }

    @Test
    void perplexityOnTheOrtBackendIsWithinHalfAPercentOfLlamaCpps() throws Exception {
        JsonObject ref = null;
        for (String line : Files.readAllLines(shared.resolve("reference/perplexity.jsonl"))) {
            JsonObject o = JsonParser.parseString(line).getAsJsonObject();
            if (o.get("model").getAsString().equals("models/llama-mini/llama-mini-F16.gguf")) ref = o;
        }
        assertTrue(ref != null, "llama.cpp's perplexity of llama-mini-F16.gguf in perplexity.jsonl");
        HearthRunner.Result r = hearth.run("perplexity", shared.resolve("models/llama-mini/hf").toString(),
                shared.resolve(ref.get("text").getAsString()).toString(), "--ctx", ref.get("ctx").getAsString(),
                "--backend", "safetensors-ort-cpu");
        assertEquals(0, r.code(), r.toString());
        String last = r.out().lines().toList().getLast();
        assertTrue(last.startsWith("PPL = "), "PPL = <value> is the last line: " + r.out());
        double ppl = Double.parseDouble(last.substring("PPL = ".length()));
        double expected = ref.get("ppl").getAsDouble();
        assertEquals(expected, ppl, expected * 0.005, "perplexity within 0.5 % of llama.cpp's");
    }

}
