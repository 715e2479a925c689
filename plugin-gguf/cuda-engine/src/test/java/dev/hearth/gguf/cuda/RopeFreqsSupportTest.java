package dev.hearth.gguf.cuda;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;

import dev.hearth.api.backend.Support;
import dev.hearth.api.model.ModelDescription;
import dev.hearth.gguf.GgufModelFormat;
import dev.hearth.gguf.format.GgufNames;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** gguf-cuda takes models with Llama 3 RoPE frequency factors: its RoPE kernels divide by them (CudaRopeFreqsTest). */
class RopeFreqsSupportTest {

    @TempDir
    Path dir;

    @Test
    void aModelWithRopeFrequencyFactorsIsSupported() throws Exception {
        // not a GPU test: supports() reads only the description
        ModelDescription llama3 = new GgufModelFormat().describe(CudaRopeFreqsTest.write(dir, true));
        String rope = llama3.properties().get(GgufModelFormat.PROP_ROPE);
        assertTrue(rope != null && rope.contains(GgufNames.ROPE_FREQS), rope);
        Support s = new GgufCudaBackend(null).supports(llama3);
        assertTrue(s.supported(), s.reason());
    }
}
