package dev.hearth.gguf.testing;

import java.nio.file.Path;

import dev.hearth.gguf.engine.WorkerPool;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.llama.KvCacheType;
import dev.hearth.gguf.llama.LlamaConfig;
import dev.hearth.gguf.llama.LlamaForward;
import dev.hearth.gguf.llama.LlamaLoader;
import dev.hearth.gguf.llama.LlamaState;

/** Our CPU engine's logits for every position of a prompt, for comparing model files. */
public final class ModelLogits {

    private ModelLogits() {}

    public static float[][] of(Path model, int[] tokens) throws Exception {
        try (GgufFile file = GgufFile.open(model); WorkerPool pool = new WorkerPool(2)) {
            LlamaConfig config = LlamaLoader.config(file);
            LlamaForward forward = new LlamaForward(config, LlamaLoader.weights(file, config), pool);
            LlamaState state = new LlamaState(config, tokens.length, KvCacheType.F16);
            float[][] out = new float[tokens.length][];
            for (int pos = 0; pos < tokens.length; pos++) {
                forward.forward(state, tokens[pos], pos, true);
                out[pos] = state.logits().clone();
            }
            return out;
        }
    }
}
