package dev.hearth.gguf.testing;

import java.lang.foreign.Arena;
import java.nio.file.Path;

import dev.hearth.gguf.engine.WorkerPool;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.llama.KvCacheType;
import dev.hearth.gguf.llama.LlamaConfig;
import dev.hearth.gguf.llama.LlamaForward;
import dev.hearth.gguf.llama.LlamaLoader;
import dev.hearth.gguf.llama.LlamaState;
import dev.hearth.gguf.llama.LlamaWeights;

/** Our CPU engine's logits for every position of a prompt, for comparing model files. */
public final class ModelLogits {

    private ModelLogits() {}

    /** The logits of every position, the prompt evaluated in batches of {@code batch} tokens. */
    public static float[][] of(Path model, int[] tokens, int batch) throws Exception {
        return of(model, tokens, batch, false);
    }

    /**
     * {@link #of(Path, int[], int)}, with the Q4_K, Q6_K and Q8_0 matrices repacked in row groups where
     * {@code rowGroups} ({@link LlamaWeights#repacked}); fails when there was nothing to repack.
     */
    public static float[][] of(Path model, int[] tokens, int batch, boolean rowGroups) throws Exception {
        try (GgufFile file = GgufFile.open(model); WorkerPool pool = new WorkerPool(2); Arena arena = Arena.ofShared()) {
            LlamaConfig config = LlamaLoader.config(file);
            LlamaWeights weights = LlamaLoader.weights(file, config);
            if (rowGroups) {
                weights = weights.repacked(arena, pool, 0, false);
                if (weights.rowGroupBytes() == 0) throw new IllegalStateException(model + ": no row groups");
            }
            return of(config, weights, pool, tokens, batch);
        }
    }

    /** The logits of every position from {@code weights}, the prompt evaluated in batches of {@code batch} tokens. */
    public static float[][] of(LlamaConfig config, LlamaWeights weights, WorkerPool pool, int[] tokens, int batch) {
        LlamaForward forward = new LlamaForward(config, weights, pool);
        LlamaState state = new LlamaState(config, tokens.length, KvCacheType.F16, batch);
        float[][] out = new float[tokens.length][];
        for (int pos = 0; pos < tokens.length; pos += batch) {
            int n = Math.min(batch, tokens.length - pos);
            forward.forward(state, tokens, pos, n, pos, 0);
            for (int b = 0; b < n; b++) out[pos + b] = state.logits(b).clone();
        }
        return out;
    }

    /** The logits of every position, the prompt evaluated in the engine's default batches. */
    public static float[][] of(Path model, int[] tokens) throws Exception {
        return of(model, tokens, LlamaState.MAX_BATCH);
    }
}
