package dev.hearth.gguf.convert;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.lang.foreign.ValueLayout;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.Session;
import dev.hearth.gguf.GgufModelFormat;
import dev.hearth.gguf.engine.GgufCpuBackend;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.format.GgufTensorInfo;
import dev.hearth.gguf.quantize.QuantMix;
import dev.hearth.gguf.quantize.RowQuantizer;
import dev.hearth.gguf.testing.ModelLogits;
import dev.hearth.gguf.testing.ReferenceLogits;
import dev.hearth.gguf.testing.SharedData;
import dev.hearth.gguf.writer.Progress;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HF folder → GGUF against llama.cpp's conversions and Hugging Face's greedy text (../shared). */
class HfToGgufConverterTest {

    @TempDir
    Path dir;

    static void convert(Path folder, Path out, QuantMix mix) throws IOException {
        try (RowQuantizer rows = new RowQuantizer(2)) {
            new HfToGgufConverter(rows).convert(folder, out, mix, Progress.NONE);
        }
    }

    /** llama-mini/hf → F16: every tensor byte-equal to llama.cpp's llama-mini-F16.gguf, and the same logits. */
    @Test
    void llamaMiniConvertsToTheSameTensorsAndLogits() throws Exception {
        Path out = dir.resolve("mini.gguf");
        convert(SharedData.file("models/llama-mini/hf"), out, QuantMix.F16);
        Path ref = SharedData.file("models/llama-mini/llama-mini-F16.gguf");
        try (GgufFile ours = GgufFile.open(out); GgufFile theirs = GgufFile.open(ref)) {
            assertEquals(theirs.tensors().size(), ours.tensors().size());
            for (GgufTensorInfo t : theirs.tensors()) {
                GgufTensorInfo o = ours.requireTensor(t.name());
                assertEquals(t.type(), o.type(), t.name());
                assertEquals(t.shape(), o.shape(), t.name());
                assertArrayEquals(theirs.tensorData(t).toArray(ValueLayout.JAVA_BYTE),
                        ours.tensorData(o).toArray(ValueLayout.JAVA_BYTE), t.name());
            }
            for (String key : List.of("tokenizer.ggml.tokens", "tokenizer.ggml.scores", "tokenizer.ggml.token_type",
                    "tokenizer.ggml.bos_token_id", "tokenizer.ggml.eos_token_id", "tokenizer.chat_template",
                    "llama.context_length", "llama.attention.head_count_kv", "llama.rope.freq_base")) {
                assertEquals(theirs.metadata().value(key), ours.metadata().value(key), key);
            }
        }
        ReferenceLogits logits = ReferenceLogits.read(SharedData.file("reference/llama-mini-F16.logits"));
        double err = ReferenceLogits.relativeL2(ModelLogits.of(out, logits.tokens()), logits.logits());
        System.out.printf("llama-mini/hf converted: relative L2 %.2e against llama.cpp's F16 logits%n", err);
        assertTrue(err < 1e-2, "relative L2 " + err);
    }

    /** TinyStories-656K/hf → GGUF: the HF tokenizer's prompt ids and Hugging Face's greedy text. */
    @Test
    void tinyStoriesGivesHuggingFacesGreedyText() throws Exception {
        Path out = dir.resolve("ts.gguf");
        convert(SharedData.file("models/tinystories-656k/hf"), out, QuantMix.F32);
        List<String> lines = Files.readAllLines(SharedData.file("reference/hf-greedy.jsonl"));
        GgufModelFormat format = new GgufModelFormat();
        try (LoadedModel m = new GgufCpuBackend().load(format.describe(out), LoadOptions.defaults().withThreads(2))) {
            for (String line : lines) {
                if (line.isBlank()) continue;
                JsonObject c = JsonParser.parseString(line).getAsJsonObject();
                String prompt = c.get("prompt").getAsString();
                assertArrayEquals(ints(c, "prompt_tokens"), m.tokenizer().encode(prompt, true, false), "prompt ids: " + prompt);
                try (Session s = m.newSession()) {
                    GenerationResult r = s.generate(GenerationRequest.of(prompt, c.get("n_predict").getAsInt()),
                            (id, text) -> { });
                    assertArrayEquals(ints(c, "tokens"), r.tokens(), "generated ids: " + prompt);
                    assertEquals(c.get("text").getAsString(), r.text(), "greedy text: " + prompt);
                }
            }
        }
    }

    @Test
    void q4KmConversionLoadsAndIsTyped() throws Exception {
        Path out = dir.resolve("mini-q4.gguf");
        convert(SharedData.file("models/llama-mini/hf"), out, QuantMix.Q4_K_M);
        try (GgufFile g = GgufFile.open(out);
             GgufFile ref = GgufFile.open(SharedData.file("models/llama-mini/llama-mini-Q4_K_M.gguf"))) {
            for (GgufTensorInfo t : ref.tensors()) assertEquals(t.type(), g.requireTensor(t.name()).type(), t.name());
            assertEquals(15, g.metadata().getInt("general.file_type"));
        }
    }

    private static int[] ints(JsonObject c, String key) {
        var a = c.getAsJsonArray(key);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsInt();
        return out;
    }
}
