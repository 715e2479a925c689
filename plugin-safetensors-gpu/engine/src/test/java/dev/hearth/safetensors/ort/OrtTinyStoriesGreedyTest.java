package dev.hearth.safetensors.ort;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;

import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.Session;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** TinyStories-656K through ONNX Runtime: greedy ids identical to Hugging Face transformers' (hf-greedy.jsonl). */
class OrtTinyStoriesGreedyTest {

    @TempDir
    static Path cache;

    @ParameterizedTest(name = "fused={0}")
    @ValueSource(booleans = {false, true})
    void greedyIdsMatchTransformers(boolean fused) throws IOException {
        Path folder = OrtTestModels.model("models/tinystories-656k/hf");
        List<String> lines = Files.readAllLines(OrtTestModels.shared().resolve("reference/hf-greedy.jsonl"));
        LoadOptions options = new LoadOptions(0, 2, -1, Map.of(OrtBackend.OPTION_FUSED, Boolean.toString(fused)));
        try (LoadedModel model = OrtBackend.cpu(cache).load(OrtTestModels.describe(folder), options);
             Session s = model.newSession()) {
            for (String line : lines) {
                JsonObject ref = JsonParser.parseString(line).getAsJsonObject();
                int[] prompt = ints(ref, "prompt_tokens");
                int[] expected = ints(ref, "tokens");
                assertArrayEquals(prompt, model.tokenizer().encode(ref.get("prompt").getAsString(), true, false),
                        "tokenisation of " + ref.get("prompt"));
                int[] got = greedy(s, prompt, expected.length);
                assertArrayEquals(expected, got, "greedy ids after " + ref.get("prompt"));
                assertEquals(ref.get("text").getAsString(), model.tokenizer().decode(got, false));
                // the same through Session.generate (GenerationLoop, greedy sampling)
                GenerationResult r = s.generate(GenerationRequest.of(ref.get("prompt").getAsString(), expected.length),
                        (id, text) -> { });
                assertArrayEquals(expected, r.tokens(), "generate() after " + ref.get("prompt"));
                assertEquals(ref.get("text").getAsString(), r.text());
            }
        }
    }

    static int[] greedy(Session s, int[] prompt, int n) {
        int[] out = new int[n];
        int[] next = new int[1];
        s.reset();
        s.evaluate(prompt, 0, prompt.length, Session.LogitsMode.LAST, (i, l) -> next[0] = OrtTestModels.argmax(l));
        for (int k = 0; k < n; k++) {
            out[k] = next[0];
            if (k + 1 < n) {
                s.evaluate(new int[] {next[0]}, 0, 1, Session.LogitsMode.LAST, (i, l) -> next[0] = OrtTestModels.argmax(l));
            }
        }
        return out;
    }

    private static int[] ints(JsonObject o, String field) {
        return o.getAsJsonArray(field).asList().stream().mapToInt(e -> e.getAsInt()).toArray();
    }
}
