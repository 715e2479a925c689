package dev.hearth.gguf.llama;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

import java.nio.file.Path;
import java.util.SplittableRandom;

import dev.hearth.gguf.engine.WorkerPool;
import dev.hearth.gguf.format.GgufFile;
import dev.hearth.gguf.testing.SharedData;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LlamaForward#decode} steps several sequences in one pass; each must get, bit for bit, the logits it gets
 * stepping alone, also when sequences join and leave between steps. Five rows make the quantized products take the
 * decode-once path ({@code UnpackedRow}) that single tokens never take.
 */
class MultiSequenceDecodeTest {

    private static final int SEQUENCES = 5;
    private static final int STEPS = 6;

    @ParameterizedTest
    @ValueSource(strings = {"models/llama-mini/llama-mini-Q4_K_M.gguf", "models/stories260K/stories260K.gguf"})
    void everyRowGetsTheLogitsItGetsAlone(String relative) throws Exception {
        Path model = SharedData.file(relative);
        try (GgufFile file = GgufFile.open(model); WorkerPool pool = new WorkerPool(2)) {
            LlamaConfig config = LlamaLoader.config(file);
            LlamaForward forward = new LlamaForward(config, LlamaLoader.weights(file, config), pool);
            int context = 32;
            LlamaState[] together = new LlamaState[SEQUENCES];
            LlamaState[] alone = new LlamaState[SEQUENCES];
            int[] position = new int[SEQUENCES];
            SplittableRandom random = new SplittableRandom(7);
            for (int q = 0; q < SEQUENCES; q++) {
                together[q] = new LlamaState(config, context, KvCacheType.F16);
                alone[q] = new LlamaState(config, context, KvCacheType.F16);
                int[] prompt = random.ints(3 + 2 * q, 0, config.vocabSize()).toArray();
                forward.forward(together[q], prompt, 0, prompt.length, 0, prompt.length - 1);
                forward.forward(alone[q], prompt, 0, prompt.length, 0, prompt.length - 1);
                position[q] = prompt.length;
            }
            LlamaState scratch = new LlamaState(config, 1, KvCacheType.F16, SEQUENCES);
            int[] next = new int[SEQUENCES];
            // each prompt fits one batch, so its last token's logits are in batch row length - 1
            for (int q = 0; q < SEQUENCES; q++) next[q] = argmax(alone[q].logits(position[q] - 1));
            for (int step = 0; step < STEPS; step++) {
                // every other step only the even sequences step: rows join and leave
                int[] members = step % 2 == 1 ? new int[] {0, 2, 4} : new int[] {0, 1, 2, 3, 4};
                LlamaState[] rows = new LlamaState[members.length];
                int[] tokens = new int[members.length];
                int[] positions = new int[members.length];
                for (int b = 0; b < members.length; b++) {
                    int q = members[b];
                    rows[b] = together[q];
                    tokens[b] = next[q];
                    positions[b] = position[q];
                }
                forward.decode(scratch, rows, tokens, positions, members.length);
                for (int q : members) {
                    forward.forward(alone[q], new int[] {next[q]}, 0, 1, position[q], 0);
                    assertArrayEquals(alone[q].logits(0), together[q].logits(0),
                            "sequence " + q + " at position " + position[q] + " of " + relative);
                    position[q]++;
                    next[q] = argmax(alone[q].logits(0));
                }
            }
        }
    }

    private static int argmax(float[] v) {
        int best = 0;
        for (int i = 1; i < v.length; i++) if (v[i] > v[best]) best = i;
        return best;
    }
}
