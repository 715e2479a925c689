package dev.hearth.host.server.pool;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;

import dev.hearth.api.model.ModelDescription;
import org.junit.jupiter.api.Test;

class KvCacheEstimateTest {

    static ModelDescription model(long parameters, Map<String, String> properties) {
        return new ModelDescription(Path.of("m.gguf"), "gguf", "llama", "m", parameters, "F32", List.of(), 512,
                new ModelDescription.TokenizerInfo("llama", "", 10, Map.of()), Optional.empty(), properties);
    }

    @Test
    void usesPublishedDimensionsWithGroupedQueryAttention() {
        // stories260K: 5 layers, width 64, 8 heads of 8, 4 KV heads -> kv width 32
        ModelDescription gguf = model(260_000, Map.of("llama.block_count", "5", "llama.embedding_length", "64",
                "llama.attention.head_count", "8", "llama.attention.head_count_kv", "4"));
        assertEquals(5L * 512 * 32 * 2 * 4, KvCacheEstimate.bytes(gguf, 512));
        // Llama 3 8B in Hugging Face's names: 32 layers, 8 KV heads of 128
        ModelDescription hf = model(8_030_000_000L, Map.of("num_hidden_layers", "32", "hidden_size", "4096",
                "num_attention_heads", "32", "num_key_value_heads", "8"));
        assertEquals(32L * 8192 * 1024 * 2 * 4, KvCacheEstimate.bytes(hf, 8192));
    }

    @Test
    void guessesFromTheParameterCountWhenNothingIsPublished() {
        // Llama 2 7B (multi-head): 2 x 32 layers x 4096 = 262144 values per token
        long perToken = KvCacheEstimate.fromParameters(6_740_000_000L);
        assertTrue(Math.abs(perToken - 262_144) < 0.05 * 262_144, "Llama 2 7B within 5 %: " + perToken);
        // stories260K: 2 x 5 x 32 = 320
        long tiny = KvCacheEstimate.fromParameters(260_000);
        assertTrue(tiny > 160 && tiny < 640, "stories260K within 2x: " + tiny);
        assertEquals(0, KvCacheEstimate.bytes(model(0, Map.of()), 512), "nothing known: nothing counted");
        assertEquals(0, KvCacheEstimate.bytes(model(260_000, Map.of()), 0), "no context: nothing counted");
    }
}
