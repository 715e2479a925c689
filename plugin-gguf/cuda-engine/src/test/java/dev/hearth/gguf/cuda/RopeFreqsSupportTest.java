package dev.hearth.gguf.cuda;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

import dev.hearth.api.backend.Support;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.gguf.GgufModelFormat;
import org.junit.jupiter.api.Test;

/** gguf-cuda declines models with Llama 3 RoPE frequency factors (no kernel yet) so that gguf-cpu runs them. */
class RopeFreqsSupportTest {

    @Test
    void aModelWithRopeFrequencyFactorsIsLeftToTheCpu() throws Exception {
        // not a GPU test: skips (rather than fails, as SharedFiles does) without the shared data
        String shared = System.getProperty("hearth.shared", "../../../shared");
        Path file = Path.of(shared, "models/llama-mini/llama-mini-Q4_K_M.gguf");
        assumeTrue(Files.isRegularFile(file), "shared test file missing: " + file + " (set -Dhearth.shared)");
        ModelDescription plain = new GgufModelFormat().describe(file);
        GgufCudaBackend backend = new GgufCudaBackend(null); // supports() reads only the description
        assertTrue(backend.supports(plain).supported(), backend.supports(plain).reason());

        Map<String, String> props = new HashMap<>(plain.properties());
        props.put(GgufModelFormat.PROP_ROPE, "freq_base 500000.0, rope_freqs.weight (32 frequency factors)");
        ModelDescription llama3 = new ModelDescription(plain.path(), plain.format(), plain.architecture(), plain.name(),
                plain.parameterCount(), plain.quantization(), plain.tensorTypes(), plain.contextLength(),
                plain.tokenizer(), plain.chatTemplate(), props);
        Support s = backend.supports(llama3);
        assertFalse(s.supported());
        assertTrue(s.reason().contains("rope_freqs.weight") && s.reason().contains("gguf-cpu"), s.reason());
    }
}
