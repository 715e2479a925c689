package dev.hearth.gguf.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.backend.LoadedModel;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.GenerationResult;
import dev.hearth.api.session.Session;
import dev.hearth.api.session.TokenListener;
import dev.hearth.gguf.GgufModelFormat;
import dev.hearth.gguf.testing.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Greedy generation through the whole gguf-cpu backend against llama.cpp's (../shared/reference/greedy.jsonl). */
class GreedyReferenceTest {

    static Stream<JsonObject> cases() throws Exception {
        Path file = SharedData.file("reference/greedy.jsonl");
        List<String> lines = Files.readAllLines(file);
        return lines.stream().filter(l -> !l.isBlank()).map(l -> JsonParser.parseString(l).getAsJsonObject());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void sameTokensAndTextAsLlamaCpp(JsonObject c) throws Exception {
        Path model = SharedData.file(c.get("model").getAsString());
        int[] expectedPrompt = ints(c, "prompt_tokens");
        int[] expected = ints(c, "tokens");
        GgufModelFormat format = new GgufModelFormat();
        try (LoadedModel m = new GgufCpuBackend().load(format.describe(model), LoadOptions.defaults().withThreads(2));
             Session s = m.newSession()) {
            assertArrayEquals(expectedPrompt, m.tokenizer().encode(c.get("prompt").getAsString(), true, false),
                    "prompt tokens");
            StringBuilder streamed = new StringBuilder();
            TokenListener listener = (id, text) -> streamed.append(text);
            GenerationResult r = s.generate(GenerationRequest.of(c.get("prompt").getAsString(),
                    c.get("n_predict").getAsInt()), listener);
            assertArrayEquals(expected, r.tokens(), "generated tokens");
            assertEquals(c.get("text").getAsString(), r.text(), "generated text");
            assertEquals(r.text(), streamed.toString(), "streamed text");
        }
    }

    private static int[] ints(JsonObject c, String key) {
        var a = c.getAsJsonArray(key);
        int[] out = new int[a.size()];
        for (int i = 0; i < out.length; i++) out[i] = a.get(i).getAsInt();
        return out;
    }
}
