package dev.hearth.gguf.engine;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import dev.hearth.api.backend.DecodeBatching;
import dev.hearth.api.backend.LoadOptions;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.api.session.GenerationRequest;
import dev.hearth.api.session.Session;
import dev.hearth.api.session.TokenListener;
import dev.hearth.gguf.GgufModelFormat;
import dev.hearth.gguf.llama.LlamaState;
import dev.hearth.gguf.testing.SharedData;
import org.junit.jupiter.api.Test;

/**
 * Sessions generating at the same time share decode passes ({@link DecodeBatcher}) and still get exactly the tokens
 * they get one at a time with batching off.
 */
class ContinuousBatchingTest {

    private static final String[] PROMPTS = {"Once upon a time", "The little dog", "One day, Lily went",
            "Tom and Sue", "The sun was", "A big red ball"};
    private static final int TOKENS = 24;

    @Test
    void concurrentSessionsShareStepsAndKeepTheirTokens() throws Exception {
        Path file = SharedData.file("models/llama-mini/llama-mini-Q4_K_M.gguf");
        ModelDescription model = new GgufModelFormat().describe(file);
        LoadOptions options = LoadOptions.defaults().withThreads(2).withContextLength(128);

        List<int[]> alone = new ArrayList<>();
        try (CpuLoadedModel m = (CpuLoadedModel) new GgufCpuBackend().load(model,
                options.withExtra(LoadOptions.DECODE_BATCH, "1"))) {
            assertTrue(m.decodeBatching().isEmpty(), "decode.batch=1 steps every session alone");
            for (String p : PROMPTS) {
                try (Session s = m.newSession()) {
                    alone.add(s.generate(GenerationRequest.of(p, TOKENS), TokenListener.IGNORE).tokens());
                }
            }
        }

        try (CpuLoadedModel m = (CpuLoadedModel) new GgufCpuBackend().load(model, options);
             ExecutorService pool = Executors.newFixedThreadPool(PROMPTS.length)) {
            assertTrue(m.decodeBatching().isPresent(), "batching is on by default");
            CyclicBarrier start = new CyclicBarrier(PROMPTS.length);
            List<Future<int[]>> together = new ArrayList<>();
            for (String p : PROMPTS) {
                together.add(pool.submit(() -> {
                    try (Session s = m.newSession()) {
                        start.await();
                        return s.generate(GenerationRequest.of(p, TOKENS), TokenListener.IGNORE).tokens();
                    }
                }));
            }
            for (int i = 0; i < PROMPTS.length; i++) {
                assertArrayEquals(alone.get(i), together.get(i).get(), "tokens of '" + PROMPTS[i] + "'");
            }
            DecodeBatching counts = m.decodeBatching().orElseThrow();
            assertTrue(counts.steps() > counts.passes(), "some passes stepped several sessions: " + counts);
        }
    }

    @Test
    void aBadBatchSizeIsNamed() {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GgufCpuBackend.decodeBatch(
                LoadOptions.defaults().withExtra(LoadOptions.DECODE_BATCH, "zero")));
        assertTrue(e.getMessage().contains("decode.batch") && e.getMessage().contains("'zero'"), e.getMessage());
        assertThrows(IllegalArgumentException.class, () -> GgufCpuBackend.decodeBatch(
                LoadOptions.defaults().withExtra(LoadOptions.DECODE_BATCH,
                        Integer.toString(LlamaState.MAX_BATCH + 1))));
    }
}
