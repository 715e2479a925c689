package dev.hearth.gguf.format;

import static dev.hearth.gguf.format.GgufNames.layer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;

/** Small generated GGUF files shared by the tests. */
final class GgufFixtures {
    private GgufFixtures() {}

    static final int EMBD = 32;
    static final int FF = 64;
    static final int LAYERS = 2;
    static final int HEADS = 4;
    static final int KV_HEADS = 2;
    static final String[] TOKENS = {"<unk>", "<s>", "</s>", "a", "b", "c", "▁the", "é"};

    /**
     * A complete, tiny Llama model: every key and tensor the verifier expects (KV heads = 2, head size 8,
     * separate output), F32 norms, Q8_0 and F16 matrices.
     */
    static GgufTestWriter tinyLlama() {
        int v = TOKENS.length;
        GgufTestWriter w = new GgufTestWriter()
                .string(GgufNames.ARCHITECTURE, "llama")
                .string(GgufNames.NAME, "tiny")
                .u32(GgufNames.FILE_TYPE, 7)
                .u32("llama.context_length", 128)
                .u32("llama.embedding_length", EMBD)
                .u32("llama.block_count", LAYERS)
                .u32("llama.feed_forward_length", FF)
                .u32("llama.attention.head_count", HEADS)
                .u32("llama.attention.head_count_kv", KV_HEADS)
                .f32("llama.attention.layer_norm_rms_epsilon", 1e-5f)
                .f32("llama.rope.freq_base", 10000f)
                .u32("llama.rope.dimension_count", EMBD / HEADS)
                .string(GgufNames.TOKENIZER_MODEL, "llama")
                .array(GgufNames.TOKENS, GgufArray.ofStrings(TOKENS))
                .array(GgufNames.SCORES, GgufArray.ofFloats(new float[v]))
                .array(GgufNames.TOKEN_TYPE, GgufArray.ofInts(2, 3, 3, 1, 1, 1, 1, 1))
                .u32("tokenizer.ggml.bos_token_id", 1)
                .u32("tokenizer.ggml.eos_token_id", 2)
                .u32("tokenizer.ggml.seperator_token_id", 0xFFFF_FFFFL)
                .string(GgufNames.CHAT_TEMPLATE, "{{ messages }}");
        w.tensor(GgufNames.TOKEN_EMBD, GgmlType.F16, EMBD, v)
                .tensor(GgufNames.OUTPUT_NORM, GgmlType.F32, EMBD)
                .tensor(GgufNames.OUTPUT, GgmlType.Q8_0, EMBD, v);
        int kv = KV_HEADS * EMBD / HEADS;
        for (int i = 0; i < LAYERS; i++) {
            w.tensor(layer(GgufNames.ATTN_NORM, i), GgmlType.F32, EMBD)
                    .tensor(layer(GgufNames.ATTN_Q, i), GgmlType.Q8_0, EMBD, EMBD)
                    .tensor(layer(GgufNames.ATTN_K, i), GgmlType.Q8_0, EMBD, kv)
                    .tensor(layer(GgufNames.ATTN_V, i), GgmlType.Q8_0, EMBD, kv)
                    .tensor(layer(GgufNames.ATTN_OUTPUT, i), GgmlType.Q8_0, EMBD, EMBD)
                    .tensor(layer(GgufNames.FFN_NORM, i), GgmlType.F32, EMBD)
                    .tensor(layer(GgufNames.FFN_GATE, i), GgmlType.Q8_0, EMBD, FF)
                    .tensor(layer(GgufNames.FFN_UP, i), GgmlType.Q8_0, EMBD, FF)
                    .tensor(layer(GgufNames.FFN_DOWN, i), GgmlType.Q8_0, FF, EMBD);
        }
        return w;
    }

    static Path write(Path dir, String name, byte[] bytes) {
        try {
            return Files.write(dir.resolve(name), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The shared test data folder from {@code -Dhearth.shared}, if it exists. */
    static Optional<Path> shared() {
        return dev.hearth.gguf.testing.SharedData.find();
    }
}
