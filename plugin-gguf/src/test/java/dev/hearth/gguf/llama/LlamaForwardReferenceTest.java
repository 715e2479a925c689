package dev.hearth.gguf.llama;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import dev.hearth.gguf.engine.WorkerPool;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.testing.ReferenceLogits;
import dev.hearth.gguf.testing.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The CPU forward pass against llama.cpp's logits for every prompt position (../shared/reference). */
class LlamaForwardReferenceTest {

    /**
     * The shared README's bound on the relative L2 error of the logits matrix (all positions). With the same
     * activation quantisation and F16 cache numerics as llama.cpp most positions agree to about 1e-7; a few
     * differ by about 1e-2 (llama.cpp picks other kernels for some rows), a wrong dequantisation gives about 1.
     */
    private static final double MAX_RELATIVE_L2 = 1e-2;

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "models/stories260K/stories260K.gguf, reference/stories260K.logits",
            "models/llama-mini/llama-mini-F16.gguf, reference/llama-mini-F16.logits",
            "models/llama-mini/llama-mini-Q8_0.gguf, reference/llama-mini-Q8_0.logits",
            "models/llama-mini/llama-mini-Q4_K_M.gguf, reference/llama-mini-Q4_K_M.logits"})
    void logitsMatchLlamaCpp(String model, String reference) throws Exception {
        Path modelFile = SharedData.file(model);
        ReferenceLogits ref = ReferenceLogits.read(SharedData.file(reference));
        try (GgufFile file = GgufFile.open(modelFile); WorkerPool pool = new WorkerPool(2)) {
            LlamaConfig config = LlamaLoader.config(file);
            LlamaForward forward = new LlamaForward(config, LlamaLoader.weights(file, config), pool);
            LlamaState state = new LlamaState(config, ref.tokens().length, KvCacheType.F16);
            float[][] ours = new float[ref.tokens().length][];
            double worst = 0;
            for (int pos = 0; pos < ref.tokens().length; pos++) {
                forward.forward(state, ref.tokens()[pos], pos, true);
                ours[pos] = state.logits().clone();
                worst = Math.max(worst, ReferenceLogits.relativeL2(ours[pos], ref.logits()[pos]));
            }
            double error = ReferenceLogits.relativeL2(ours, ref.logits());
            System.out.printf("%s: relative L2 %.2e over %d positions (worst position %.2e)%n", model, error,
                    ours.length, worst);
            assertTrue(error < MAX_RELATIVE_L2, model + ": relative L2 error " + error + " >= " + MAX_RELATIVE_L2);
        }
    }
}
