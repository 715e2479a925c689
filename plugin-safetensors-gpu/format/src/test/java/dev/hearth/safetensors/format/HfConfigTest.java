package dev.hearth.safetensors.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import dev.hearth.api.model.UnsupportedModelException;
import dev.hearth.rope.Llama3RopeScaling;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config.json of the three architectures the issue names, with the fields as their published checkpoints spell them
 * (Qwen2-0.5B, Mistral-7B-v0.1, a Llama with linear RoPE scaling), and the defaults transformers applies when a field
 * is absent.
 */
class HfConfigTest {
    @TempDir
    Path dir;

    private HfConfig read(String json) throws IOException {
        return HfConfig.read(Files.writeString(dir.resolve("config.json"), json));
    }

    @Test
    void qwen2HasBiasesTiedEmbeddingsAndItsOwnRopeBase() throws IOException {
        HfConfig c = read("""
                {"architectures": ["Qwen2ForCausalLM"], "model_type": "qwen2", "hidden_size": 896,
                 "intermediate_size": 4864, "num_hidden_layers": 24, "num_attention_heads": 14,
                 "num_key_value_heads": 2, "vocab_size": 151936, "max_position_embeddings": 32768,
                 "rope_theta": 1000000.0, "rms_norm_eps": 1e-06, "tie_word_embeddings": true,
                 "torch_dtype": "bfloat16", "bos_token_id": 151643, "eos_token_id": 151643}""");
        assertEquals("Qwen2ForCausalLM", c.architecture());
        assertEquals("qwen2", c.modelType());
        assertEquals(64, c.headDim());
        assertEquals(2, c.numKeyValueHeads());
        assertEquals(1_000_000.0, c.ropeTheta());
        assertTrue(c.attentionBias(), "Qwen2 always has q/k/v biases");
        assertTrue(c.tieWordEmbeddings());
        assertEquals(List.of(151643), c.eosTokenIds());
        assertEquals(1_000_000.0, read("""
                {"architectures": ["Qwen2ForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_hidden_layers": 1, "num_attention_heads": 4, "vocab_size": 100}""").ropeTheta(),
                "transformers' Qwen2 default rope_theta");
    }

    @Test
    void mistralReadsGroupedHeadsAndNoBias() throws IOException {
        HfConfig c = read("""
                {"architectures": ["MistralForCausalLM"], "hidden_size": 4096, "intermediate_size": 14336,
                 "num_hidden_layers": 32, "num_attention_heads": 32, "num_key_value_heads": 8,
                 "vocab_size": 32000, "max_position_embeddings": 32768, "rope_theta": 10000.0,
                 "rms_norm_eps": 1e-05, "tie_word_embeddings": false, "sliding_window": 4096,
                 "bos_token_id": 1, "eos_token_id": 2}""");
        assertEquals("mistral", c.modelType(), "model_type from the architecture when absent");
        assertEquals(128, c.headDim());
        assertEquals(8, c.numKeyValueHeads());
        assertEquals(1e-5, c.rmsNormEps());
        assertFalse(c.attentionBias());
        assertFalse(c.tieWordEmbeddings());
        assertEquals(Optional.empty(), c.ropeScaling());
        assertEquals(4096, c.maxPositionEmbeddings(), "full attention is exact only up to the sliding window");
    }

    @Test
    void llamaRopeScalingLinearOrDefault() throws IOException {
        String base = """
                {"architectures": ["LlamaForCausalLM"], "hidden_size": 64, "intermediate_size": 128,
                 "num_hidden_layers": 1, "num_attention_heads": 4, "num_key_value_heads": 2, "vocab_size": 100,
                 "rope_scaling": %s}""";
        assertEquals(Optional.of(new HfConfig.RopeScaling.Linear(4.0)),
                read(base.formatted("{\"type\": \"linear\", \"factor\": 4.0}")).ropeScaling(), "older spelling 'type'");
        assertEquals(Optional.of(new HfConfig.RopeScaling.Linear(2.0)),
                read(base.formatted("{\"rope_type\": \"linear\", \"factor\": 2.0}")).ropeScaling());
        assertEquals(Optional.empty(), read(base.formatted("{\"rope_type\": \"default\"}")).ropeScaling());
        assertEquals(Optional.empty(), read(base.formatted("null")).ropeScaling());
        HfConfig c = read(base.formatted("null"));
        assertEquals(10_000.0, c.ropeTheta(), "Llama's default rope_theta");
        assertEquals(16, c.headDim());
    }

    static final String LLAMA_3_2 = """
            {"architectures": ["LlamaForCausalLM"], "hidden_size": 2048, "intermediate_size": 8192,
             "num_hidden_layers": 16, "num_attention_heads": 32, "num_key_value_heads": 8, "vocab_size": 128256,
             "max_position_embeddings": 131072, "rope_theta": 500000.0, "head_dim": 64,
             "rope_scaling": {%s}}""";

    /** Llama 3.2 1B's config.json as published. */
    @Test
    void llama3RopeScaling() throws IOException {
        HfConfig c = read(LLAMA_3_2.formatted("\"factor\": 32.0, \"high_freq_factor\": 4.0, \"low_freq_factor\": 1.0, "
                + "\"original_max_position_embeddings\": 8192, \"rope_type\": \"llama3\""));
        assertEquals(Optional.of(new HfConfig.RopeScaling.Llama3(new Llama3RopeScaling(32, 1, 4, 8192))),
                c.ropeScaling());
        assertEquals("llama3", c.ropeScaling().orElseThrow().type());
    }

    @Test
    void badLlama3ValuesNameTheirField() {
        String ok = "\"rope_type\": \"llama3\", \"original_max_position_embeddings\": 8192, ";
        assertBad("rope_scaling.factor", ok + "\"factor\": 0.5, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0");
        assertBad("rope_scaling.high_freq_factor", ok + "\"factor\": 8, \"low_freq_factor\": 4.0, \"high_freq_factor\": 4.0");
        assertBad("rope_scaling.low_freq_factor", ok + "\"factor\": 8, \"high_freq_factor\": 4.0");
        assertBad("rope_scaling.original_max_position_embeddings",
                "\"rope_type\": \"llama3\", \"factor\": 8, \"low_freq_factor\": 1.0, \"high_freq_factor\": 4.0");
    }

    private void assertBad(String field, String scaling) {
        SafetensorsException e = assertThrows(SafetensorsException.class, () -> read(LLAMA_3_2.formatted(scaling)));
        assertTrue(e.getMessage().contains("config.json") && e.getMessage().contains(field), e.getMessage());
    }

    @Test
    void yarnAndDynamicStayRefused() {
        for (String type : List.of("yarn", "dynamic")) {
            UnsupportedModelException e = assertThrows(UnsupportedModelException.class, () -> read(LLAMA_3_2.formatted(
                    "\"rope_type\": \"" + type + "\", \"factor\": 4.0, \"original_max_position_embeddings\": 8192")));
            assertTrue(e.getMessage().contains("'" + type + "'") && e.getMessage().contains("linear, llama3"),
                    e.getMessage());
        }
    }
}
